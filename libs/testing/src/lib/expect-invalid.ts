import { ValidationError } from '@secure-api/core';

/**
 * Asserts that `fn` throws the workspace's ValidationError for `prop`, with a message matching `message` and
 * naming a fix. For the `throws when ...` test of each validation rule.
 */
export function expectInvalid(fn: () => unknown, prop: string, message: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).prop).toBe(prop);
  expect((error as ValidationError).message).toMatch(message);
  expect((error as ValidationError).message).toMatch(/Fix: /);
}
