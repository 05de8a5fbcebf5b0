/** The body of `POST /orders`: its rules, and the messages that name what is wrong. */

/** A valid order request. */
export interface OrderInput {
  /** What is ordered: trimmed, 1 to 100 characters. */
  readonly item: string;
  /** How many: an integer from 1 to 1,000. */
  readonly quantity: number;
  /** A free-text note, at most 500 characters. */
  readonly note?: string;
}

/** The outcome of checking a request body: the input, or a message for a 400. */
export type OrderInputResult = { readonly ok: true; readonly value: OrderInput } | { readonly ok: false; readonly message: string };

/** The rules, shared by the checks and their messages. */
export const ORDER_LIMITS = Object.freeze({ itemMaxLength: 100, quantityMin: 1, quantityMax: 1000, noteMaxLength: 500 });

const FIELDS: readonly string[] = ['item', 'quantity', 'note'];
const ITEM_RULE = `a string of 1 to ${ORDER_LIMITS.itemMaxLength} characters`;
const QUANTITY_RULE = `an integer from ${ORDER_LIMITS.quantityMin} to ${ORDER_LIMITS.quantityMax}`;
const NOTE_RULE = `a string of at most ${ORDER_LIMITS.noteMaxLength} characters`;

type Check<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/**
 * Checks a parsed JSON body against the rules of `POST /orders`: a JSON object with `item` and `quantity`, an optional
 * `note`, and no other field. The first rule broken is reported, naming the field and what it must be. Lengths count
 * characters (Unicode code points), not bytes.
 */
export function parseOrderInput(body: unknown): OrderInputResult {
  if (!isPlainObject(body)) return fail(`The request body must be a JSON object (got ${describe(body)}).`);
  const unknown = Object.keys(body).find((name) => !FIELDS.includes(name));
  if (unknown !== undefined) return fail(`Unknown field ${quoteName(unknown)}: the allowed fields are item, quantity and note.`);
  const item = checkItem(body['item']);
  if (!item.ok) return item;
  const quantity = checkQuantity(body['quantity']);
  if (!quantity.ok) return quantity;
  const note = checkNote(body['note']);
  if (!note.ok) return note;
  const value: OrderInput = note.value === undefined ? { item: item.value, quantity: quantity.value } : { item: item.value, quantity: quantity.value, note: note.value };
  return { ok: true, value };
}

function checkItem(value: unknown): Check<string> {
  if (value === undefined) return fail(`item is required: ${ITEM_RULE}.`);
  if (typeof value !== 'string') return fail(`item must be ${ITEM_RULE} (got ${describe(value)}).`);
  const trimmed = value.trim();
  if (trimmed === '') return fail(`item must not be blank: ${ITEM_RULE} (got ${describe(value)}).`);
  const length = characters(trimmed);
  if (length > ORDER_LIMITS.itemMaxLength) return fail(`item must be ${ITEM_RULE} (got ${length} characters).`);
  return { ok: true, value: trimmed };
}

function checkQuantity(value: unknown): Check<number> {
  if (value === undefined) return fail(`quantity is required: ${QUANTITY_RULE}.`);
  const valid = typeof value === 'number' && Number.isInteger(value) && value >= ORDER_LIMITS.quantityMin && value <= ORDER_LIMITS.quantityMax;
  return valid ? { ok: true, value } : fail(`quantity must be ${QUANTITY_RULE} (got ${describe(value)}).`);
}

function checkNote(value: unknown): Check<string | undefined> {
  if (value === undefined) return { ok: true, value: undefined };
  if (typeof value !== 'string') return fail(`note must be ${NOTE_RULE} (got ${describe(value)}).`);
  const length = characters(value);
  if (length > ORDER_LIMITS.noteMaxLength) return fail(`note must be ${NOTE_RULE} (got ${length} characters).`);
  return { ok: true, value };
}

function fail(message: string): { readonly ok: false; readonly message: string } {
  return { ok: false, message };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function characters(text: string): number {
  return [...text].length;
}

/** A short description of a JSON value for a message; long strings are described, not echoed. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return characters(value) <= 40 ? JSON.stringify(value) : `a string of ${characters(value)} characters`;
  return String(value);
}

function quoteName(name: string): string {
  return characters(name) <= 40 ? JSON.stringify(name) : `${JSON.stringify([...name].slice(0, 40).join(''))}…`;
}
