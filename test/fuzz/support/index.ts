export { checkInvalidAnswer, checkValidAnswer } from "./check-answer.ts";
export { createFuzzWorld, type FuzzAccount, type FuzzServer, type FuzzWorld, type IdPool } from "./fuzz-world.ts";
export { invalidRequest, listCorruptions } from "./invalid-requests.ts";
export { DEFAULT_FUZZ_SEED, readFuzzSettings, runFuzzProperty, type FuzzKind, type FuzzOutcome, type FuzzRunOptions } from "./run-fuzz-property.ts";
export { createSchemaArbitrary, type SchemaArbitraryOptions, type SchemaOverrides } from "./schema-arbitrary.ts";
export { REQUEST_TIMEOUT_MS, sendRequest, type FuzzAnswer } from "./send-request.ts";
export { toRequest, validRequest, type FuzzRequest } from "./valid-requests.ts";
