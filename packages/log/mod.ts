/**
 * JSON-lines logging. One object per line with `time`, `level`, `service`, `msg` and whatever
 * fields the caller adds (request id, trace id). Callers must never pass patient data.
 *
 * @module
 */
export { Logger, type LoggerOptions, type LogLevel } from "./logger.ts";
