/**
 * A map keyed by bearer tokens that hashes only a token's last characters (the end of its signature). A Map keyed by
 * the whole token hashes about a kilobyte on every request, because each request's header value is a new string;
 * here the tail picks the slot and the whole token must still be equal for a hit. Tokens that share a tail (a
 * forgery reusing a real signature's end, say) only miss and replace each other; they never read each other's value.
 */
export class TokenMap<V> {
  private readonly slots = new Map<string, { readonly token: string; readonly value: V }>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.slots.size;
  }

  get(token: string): V | undefined {
    const slot = this.slots.get(tail(token));
    return slot !== undefined && slot.token === token ? slot.value : undefined;
  }

  /** Stores `value` for `token`, forgetting the oldest entry first when full. */
  set(token: string, value: V): void {
    const key = tail(token);
    if (!this.slots.has(key) && this.slots.size >= this.maxEntries) this.slots.delete(this.slots.keys().next().value as string);
    this.slots.set(key, { token, value });
  }

  delete(token: string): void {
    const key = tail(token);
    if (this.slots.get(key)?.token === token) this.slots.delete(key);
  }
}

/** 32 characters of base64url carry 192 bits of an RS256 signature. */
const TAIL = 32;

function tail(token: string): string {
  return token.length <= TAIL ? token : token.slice(token.length - TAIL);
}
