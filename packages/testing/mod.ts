/**
 * Test helpers that use real infrastructure: a fresh database on a real PostgreSQL server, and
 * the whole system started as real processes.
 *
 * @module
 */
export {
  createTestDatabase,
  type CreateTestDatabaseOptions,
  type TestDatabase,
} from "./create_test_database.ts";
export { startSystem, type StartSystemOptions, type System } from "./start_system.ts";
export { silentLogger } from "./silent_logger.ts";
export { type SmtpSink, startSmtpSink } from "./start_smtp_sink.ts";
export { createTestTokens, type TestTokens } from "./create_test_tokens.ts";
export { type OpenTestDatabase, openTestDatabase } from "./open_test_database.ts";
export { testServiceApp, type TestServiceAppOptions } from "./test_service_app.ts";
export { type JsonAnswer, type JsonCall, jsonCaller } from "./json_caller.ts";
export { type PatientDataRouteDeps, patientDataRouteDeps } from "./patient_data_route_deps.ts";
export { REFUSED_ADDRESS } from "./refused_address.ts";
