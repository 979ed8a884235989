export { createLogger, createRequestId, scrubCredentials, type Logger, type LoggerOptions } from "./logger.ts";
