export type { EnvironmentConfig, EnvironmentUser, S3StateConfig } from './lib/config';
export { EnvironmentStack, OUTPUT_NAMES, ORDERS_READ_SCOPE, ROUTES, defineEnvironment, demoRoutes } from './lib/environment-stack';
export { validateConfig } from './lib/validate-config';
