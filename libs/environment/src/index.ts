export type { EnvironmentConfig, EnvironmentUser, S3StateConfig, WafConfig } from './lib/config';
export { EnvironmentStack, HANDLER_ENTRIES, OUTPUT_NAMES, ORDERS_WRITE_SCOPE, ROUTES, defineEnvironment, demoRoutes } from './lib/environment-stack';
export type { EnvironmentFunctions } from './lib/environment-stack';
export { validateConfig } from './lib/validate-config';
