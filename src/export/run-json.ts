import type { Run } from "../../schemas/index.js";
import { closeText, mark, openText, rollback, textWritten, write, writeString } from "./json-text-writer.js";
import { callToJSON, convert, convertMap, MAX_DEPTH, readField, toJsonSafeRun, UNREADABLE } from "./json-safe.js";
import {
  isSecretKey,
  isTokenEvent,
  maskKeyedValue,
  maskRunField,
  maskRunSecrets,
  maskSecrets,
  maskSecretsInString,
  TOKEN_KEY,
} from "./redact.js";

const CIRCULAR_TEXT = '"[Circular]"';
const TOO_DEEP_TEXT = '"[Too deep]"';
const UNREADABLE_TEXT = JSON.stringify(UNREADABLE);

/**
 * The JSON text of a run's export form, `JSON.stringify(maskRunSecrets(toJsonSafeRun(run)))`, written in
 * one walk of the record: strings are masked and secret-named fields replaced as the text is written, so
 * neither a JSON-safe copy nor a masked copy of the record is built. What the JSONL and in-memory
 * exporters keep. Throws only where `JSON.stringify` of that export form would (a hostile `Error` name).
 *
 * @example
 * maskedRunJson(run); // '{"id":"…","name":"ChatOpenAI",…,"extra":{"invocation_params":{"api_key":"[REDACTED]"}}}'
 */
export function maskedRunJson(run: Run): string {
  const record = run as unknown as Record<string, unknown>;
  // The record the tracer builds is a plain object; anything else takes the two-walk reference.
  if (Object.getPrototypeOf(record) !== Object.prototype || typeof record.toJSON === "function")
    return JSON.stringify(maskRunSecrets(toJsonSafeRun(run)));
  // A getter or toJSON of the caller's may export a run itself, re-entering this walk: its text is its own.
  const outer = openText();
  try {
    writeFields(record, [record], 1, ROOT);
    return textWritten();
  } finally {
    closeText(outer);
  }
}

/**
 * The JSON text of a run in its export form, given as a record or as that text already.
 *
 * @example
 * runText('{"id":"a"}'); // '{"id":"a"}'
 */
export function runText(run: Run | string): string {
  return typeof run === "string" ? run : JSON.stringify(run);
}

// Events are converted first and masked as a whole: a credential may be streamed across several token
// events (see maskRunField). With fewer than two streamed tokens nothing spans events, and each event's
// text is written from its JSON-safe copy, a token event's `kwargs.token` checked by its shape only.
function writeEvents(events: unknown, ancestors: object[]): boolean {
  const converted = convert(events, ancestors, 1, false);
  if (converted === undefined) return false;
  if (!Array.isArray(converted) || streamedTokens(converted) >= 2) {
    write(JSON.stringify(maskRunField("events", converted)));
    return true;
  }
  // The copy is a tree of JSON data: no ancestors to watch, no depth limit left to reach.
  write("[");
  for (let i = 0; i < converted.length; i++) {
    const event: unknown = converted[i];
    if (i > 0) write(",");
    if (!(isTokenEvent(event) ? writeTokenEvent(event) : writeValue(event, [], 2, EVENT))) write("null");
  }
  write("]");
  return true;
}

function streamedTokens(events: readonly unknown[]): number {
  let count = 0;
  for (const event of events) if (isTokenEvent(event) && typeof event.kwargs.token === "string") count++;
  return count;
}

function writeTokenEvent(event: Record<string, unknown> & { kwargs: Record<string, unknown> }): true {
  write("{");
  let first = true;
  for (const key of Object.keys(event)) {
    const name = fieldName(key);
    const before = mark();
    write(first ? name.quoted : name.next);
    if (key === "kwargs" ? writeRecord(event.kwargs, 4, TOKEN_KEY) : writeField(name, event[key], [], 3)) first = false;
    else rollback(before);
  }
  write("}");
  return true;
}

// A JSON object's text with every field masked by its name but `valueOnlyKey`, masked by its value only.
function writeRecord(record: Record<string, unknown>, depth: number, valueOnlyKey: string): true {
  write("{");
  let first = true;
  for (const key of Object.keys(record)) {
    const name = fieldName(key);
    const before = mark();
    write(first ? name.quoted : name.next);
    const value = record[key];
    if (key === valueOnlyKey ? writeValue(value, [], depth, name) : writeField(name, value, [], depth)) first = false;
    else rollback(before);
  }
  write("}");
  return true;
}

// Each write* appends a value's text (see json-text-writer.ts) and says whether it wrote one: a value
// with no JSON form (undefined, a function, a toJSON giving either) writes nothing.

// A secret-named field needs its converted value's kind (`[REDACTED]` unless empty, null or boolean):
// such fields are rare, and take the object path.
function writeField(field: FieldName, value: unknown, ancestors: object[], depth: number): boolean {
  if (!field.secret) return writeValue(value, ancestors, depth, field);
  const masked = maskKeyedValue(field.key, convert(value, ancestors, depth, true));
  if (masked === undefined) return false;
  write(JSON.stringify(masked));
  return true;
}

// `owner`: the field (or an event) the value is written under, whose objects' field names are found by
// the shape it remembers (see `learnShape`).
function writeValue(value: unknown, ancestors: object[], depth: number, owner: FieldName): boolean {
  switch (typeof value) {
    case "string":
      writeString(maskSecretsInString(value));
      return true;
    case "boolean":
      write(value ? "true" : "false");
      return true;
    case "number":
      // What JSON.stringify writes for a finite number (-0 included: "0").
      write(Number.isFinite(value) ? String(value) : "null");
      return true;
    case "bigint":
      writeString(maskSecretsInString(value.toString()));
      return true;
    case "object":
      if (value !== null) return writeGuardedObject(value, ancestors, depth, owner);
      write("null");
      return true;
    default:
      return false; // undefined, functions and symbols have no JSON form
  }
}

// As json-safe.ts's guardedObject: a value that throws while read becomes the marker, not its partial text.
function writeGuardedObject(value: object, ancestors: object[], depth: number, owner: FieldName): boolean {
  const before = mark();
  try {
    return writeObject(value, ancestors, depth, owner);
  } catch {
    rollback(before);
    write(UNREADABLE_TEXT);
    return true;
  }
}

// The same checks in the same order as json-safe.ts's convertObject, writing text instead of a copy.
function writeObject(value: object, ancestors: object[], depth: number, owner: FieldName): boolean {
  if (ancestors.includes(value)) write(CIRCULAR_TEXT);
  else if (depth >= MAX_DEPTH) write(TOO_DEEP_TEXT);
  else {
    const proto: unknown = Object.getPrototypeOf(value);
    const plain = proto === Object.prototype || proto === Array.prototype;
    if (!plain && (ArrayBuffer.isView(value) || value instanceof ArrayBuffer))
      write(JSON.stringify(maskSecretsInString(`[${value.constructor.name}: ${value.byteLength} bytes]`)));
    else if (!plain && value instanceof Error)
      write(JSON.stringify(maskSecrets({ name: value.name, message: value.message })));
    else {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") {
        const replaced = callToJSON(toJSON, value);
        if (replaced !== value) return writeValue(replaced, ancestors, depth + 1, owner);
      }
      ancestors.push(value);
      try {
        if (Array.isArray(value)) writeItems(value, ancestors, depth + 1, owner);
        else if (!plain && value instanceof Set) writeItems([...value], ancestors, depth + 1, owner);
        // A Map's keys become field names, which an object reorders (integer-like first) and merges
        // (1 and "1"): the object path gives exactly that order.
        else if (!plain && value instanceof Map) write(JSON.stringify(convertMap(value, ancestors, depth + 1, true)));
        else writeFields(value as Record<string, unknown>, ancestors, depth + 1, owner);
      } finally {
        ancestors.pop();
      }
    }
  }
  return true;
}

// A hole or a value with no JSON form is written as null, as JSON.stringify writes it in an array.
function writeItems(items: readonly unknown[], ancestors: object[], depth: number, owner: FieldName): void {
  write("[");
  for (let i = 0; i < items.length; i++) {
    if (i > 0) write(",");
    if (!(i in items && writeValue(items[i], ancestors, depth, owner))) write("null");
  }
  write("]");
}

function writeFields(value: Record<string, unknown>, ancestors: object[], depth: number, owner: FieldName): void {
  write("{");
  const keys = Object.keys(value);
  const shape = owner.shape;
  let missed = shape == null || shape.length !== keys.length;
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const name = nameAt(shape, i, key);
    if (name !== shape?.[i]) missed = true;
    const field = readField(value, key);
    const before = mark();
    write(first ? name.quoted : name.next);
    // A run's events are masked as a whole (a credential may be streamed across tokens): the object path.
    const written =
      owner === ROOT && key === "events" ? writeEvents(field, ancestors) : writeField(name, field, ancestors, depth);
    if (written) first = false;
    else rollback(before);
  }
  write("}");
  learnShape(owner, keys, missed);
}

// The objects written under a field (or as a record, or an event) have the same field names in the same
// order, run after run: the owner remembers them (its shape), and a key found at its place in the shape
// takes that name with one comparison (property keys are interned strings), not a table lookup. A shape
// that missed several objects in a row is replaced by the latest one's; a shape holds only names kept
// in the bounded table, at most SHAPE_KEYS of them, so shapes are bounded too.
const SHAPE_KEYS = 64;
const SHAPE_MISSES = 8;

function nameAt(shape: readonly FieldName[] | null | undefined, i: number, key: string): FieldName {
  const name = shape?.[i];
  return name !== undefined && name.key === key ? name : fieldName(key);
}

function learnShape(owner: FieldName, keys: readonly string[], missed: boolean): void {
  if (!missed) owner.misses = 0;
  else if (owner.kept && (owner.shape === undefined || ++owner.misses >= SHAPE_MISSES)) {
    owner.shape = shapeOf(keys);
    owner.misses = 0;
  }
}

function shapeOf(keys: readonly string[]): FieldName[] | null {
  if (keys.length > SHAPE_KEYS) return null;
  const names: FieldName[] = [];
  for (const key of keys) {
    const name = fieldName(key);
    if (!name.kept) return null;
    names.push(name);
  }
  return names;
}

/**
 * A field name as written (quoted, with its colon; `next` after a comma), whether it names a secret (see
 * `isSecretKey`), whether the table keeps it, and the shape of the objects written under it (`null`: none).
 */
interface FieldName {
  key: string;
  quoted: string;
  next: string;
  secret: boolean;
  kept: boolean;
  shape: FieldName[] | null | undefined;
  misses: number;
}

// Field names repeat across runs (a record's shape is the same every time): each is classified and
// quoted once. Bounded, so ever-new names cannot grow it without limit.
const fieldNames = new Map<string, FieldName>();
const FIELD_NAMES_LIMIT = 4096;

function fieldName(key: string): FieldName {
  let name = fieldNames.get(key);
  if (name === undefined) {
    const quoted = `${JSON.stringify(key)}:`;
    const kept = fieldNames.size < FIELD_NAMES_LIMIT && key.length <= 256;
    name = { key, quoted, next: `,${quoted}`, secret: isSecretKey(key), kept, shape: undefined, misses: 0 };
    if (kept) fieldNames.set(key, name);
  }
  return name;
}

// The owners of a record's own fields and of its events' fields.
const ROOT: FieldName = { key: "", quoted: "", next: "", secret: false, kept: true, shape: undefined, misses: 0 };
const EVENT: FieldName = { ...ROOT };
