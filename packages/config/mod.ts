/**
 * Configuration from environment variables, validated once at start.
 *
 * @module
 */
export { ConfigError, type ConfigProblem } from "./config_error.ts";
export { loadConfig } from "./load_config.ts";
export { type ConfigProbe, configProbe } from "./config_probe.ts";
export { describeVariable, type VariableDescription } from "./describe_variable.ts";
export { env } from "./env.ts";
export { exitOnConfigError, loadOrExit } from "./load_or_exit.ts";
export { shapes } from "./shapes.ts";
export { backServiceShape } from "./back_service_shape.ts";
export { everyEventTopicShape } from "./every_event_topic_shape.ts";
export { DEVELOPMENT_SIGNING_KEY_FILE, productionProblems } from "./production_guard.ts";
export { DEVELOPMENT_MFA_ENCRYPTION_KEY } from "./development_mfa_key.ts";
