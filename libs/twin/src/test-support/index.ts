// The one test-support module of the twin's specs: clock, keys, fake pools, fixture stacks and start-up.
export { TestClock } from './clock';
export { FAST_SCRYPT, reusableKey } from './keys';
export { b64, FakePool, poolDirectory } from './pools';
export { CALLBACK, DEMO_EMAIL, fixtureStack, LOGOUT, withLocalPort } from './stacks';
export type { FixtureOptions } from './stacks';
export { emptyTwinForSuite, frontDoor, gatewayContext, ids, startTwin } from './twin';
export type { RunningTwin } from './twin';
export { runEntry, untilReady } from './child';
export type { ChildRun } from './child';
