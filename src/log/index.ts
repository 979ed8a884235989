export { createLogger, createRequestId, type Logger, type LoggerOptions } from "./logger.ts";
