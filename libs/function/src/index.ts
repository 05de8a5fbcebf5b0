export { NODEJS_FUNCTION_DEFAULTS, NodejsFunction } from './lib/nodejs-function';
export type { Architecture, NodejsFunctionProps, NodejsRuntime } from './lib/nodejs-function';
export { bundleFunction, BundleError } from './lib/bundle';
export type { Bundle, BundleInput } from './lib/bundle';
export { checkEnvironment } from './lib/environment';
