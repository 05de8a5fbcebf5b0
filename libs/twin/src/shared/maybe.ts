/** A value now, or later. The request path stays synchronous until a step really waits (I/O, key loading). */
export type Maybe<T> = T | Promise<T>;

/** Applies `f` at once to a present value, or when a promised one arrives. */
export function then<T, U>(value: Maybe<T>, f: (v: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
