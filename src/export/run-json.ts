import type { Run } from "../../schemas/index.js";
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
  const ancestors: object[] = [record];
  let out = "";
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const field = readField(record, key);
    // Events are masked as a whole (a credential may be streamed across tokens): the object path.
    const text = key === "events" ? eventsText(field, ancestors) : fieldText(fieldName(key), field, ancestors, 1);
    if (text !== undefined) out += (out === "" ? "{" : ",") + text;
  }
  return out === "" ? "{}" : flat(`${out}}`);
}

// The text is built by concatenation, a tree of string pieces that takes ~7× the heap of the flat text
// (measured: 13.8 KB vs 2.0 KB for 1.5 KB of JSON) and that the garbage collector walks while the run is
// kept. Reading a character makes V8 flatten it into one sequential string, once.
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
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
function eventsText(events: unknown, ancestors: object[]): string | undefined {
  const converted = convert(events, ancestors, 1, false);
  if (converted === undefined) return undefined;
  if (!Array.isArray(converted) || streamedTokens(converted) >= 2)
    return `"events":${JSON.stringify(maskRunField("events", converted))}`;
  // The copy is a tree of JSON data: no ancestors to watch, no depth limit left to reach.
  let out = '"events":[';
  for (let i = 0; i < converted.length; i++) {
    const event: unknown = converted[i];
    out += (i > 0 ? "," : "") + ((isTokenEvent(event) ? tokenEventText(event) : valueText(event, [], 2)) ?? "null");
  }
  return `${out}]`;
}

function streamedTokens(events: readonly unknown[]): number {
  let count = 0;
  for (const event of events) if (isTokenEvent(event) && typeof event.kwargs.token === "string") count++;
  return count;
}

function tokenEventText(event: Record<string, unknown> & { kwargs: Record<string, unknown> }): string {
  let out = "";
  for (const key of Object.keys(event)) {
    const name = fieldName(key);
    const text =
      key === "kwargs" ? name.quoted + recordText(event.kwargs, 4, TOKEN_KEY) : fieldText(name, event[key], [], 3);
    if (text !== undefined) out += (out === "" ? "{" : ",") + text;
  }
  return out === "" ? "{}" : `${out}}`;
}

// A JSON object's text with every field masked by its name but `valueOnlyKey`, masked by its value only.
function recordText(record: Record<string, unknown>, depth: number, valueOnlyKey: string): string {
  let out = "";
  for (const key of Object.keys(record)) {
    const name = fieldName(key);
    const text =
      key === valueOnlyKey
        ? prefixed(name.quoted, valueText(record[key], [], depth))
        : fieldText(name, record[key], [], depth);
    if (text !== undefined) out += (out === "" ? "{" : ",") + text;
  }
  return out === "" ? "{}" : `${out}}`;
}

function prefixed(prefix: string, text: string | undefined): string | undefined {
  return text === undefined ? undefined : prefix + text;
}

// A secret-named field needs its converted value's kind (`[REDACTED]` unless empty, null or boolean):
// such fields are rare, and take the object path.
function fieldText(field: FieldName, value: unknown, ancestors: object[], depth: number): string | undefined {
  const text = field.secret ? secretFieldText(field.key, value, ancestors, depth) : valueText(value, ancestors, depth);
  return prefixed(field.quoted, text);
}

function secretFieldText(key: string, value: unknown, ancestors: object[], depth: number): string | undefined {
  const masked = maskKeyedValue(key, convert(value, ancestors, depth, true));
  return masked === undefined ? undefined : JSON.stringify(masked);
}

function valueText(value: unknown, ancestors: object[], depth: number): string | undefined {
  switch (typeof value) {
    case "string":
      return quoted(maskSecretsInString(value));
    case "boolean":
      return value ? "true" : "false";
    case "number":
      // What JSON.stringify writes for a finite number (-0 included: "0").
      return Number.isFinite(value) ? String(value) : "null";
    case "bigint":
      return quoted(maskSecretsInString(value.toString()));
    case "object":
      return value === null ? "null" : guardedObjectText(value, ancestors, depth);
    default:
      return undefined; // undefined, functions and symbols have no JSON form
  }
}

// Characters JSON.stringify escapes (lone surrogates included); most strings have none and are quoted
// without being copied.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quoted(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

// As json-safe.ts's guardedObject: a value that throws while read becomes the marker, not its partial text.
function guardedObjectText(value: object, ancestors: object[], depth: number): string | undefined {
  try {
    return objectText(value, ancestors, depth);
  } catch {
    return UNREADABLE_TEXT;
  }
}

// The same checks in the same order as json-safe.ts's convertObject, writing text instead of a copy.
function objectText(value: object, ancestors: object[], depth: number): string | undefined {
  if (ancestors.includes(value)) return CIRCULAR_TEXT;
  if (depth >= MAX_DEPTH) return TOO_DEEP_TEXT;
  const proto: unknown = Object.getPrototypeOf(value);
  const plain = proto === Object.prototype || proto === Array.prototype;
  if (!plain) {
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
      return JSON.stringify(maskSecretsInString(`[${value.constructor.name}: ${value.byteLength} bytes]`));
    if (value instanceof Error) return JSON.stringify(maskSecrets({ name: value.name, message: value.message }));
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const replaced = callToJSON(toJSON, value);
    if (replaced !== value) return valueText(replaced, ancestors, depth + 1);
  }
  ancestors.push(value);
  try {
    if (Array.isArray(value)) return itemsText(value, ancestors, depth + 1);
    if (!plain && value instanceof Set) return itemsText([...value], ancestors, depth + 1);
    // A Map's keys become field names, which an object reorders (integer-like first) and merges
    // (1 and "1"): the object path gives exactly that order.
    if (!plain && value instanceof Map) return JSON.stringify(convertMap(value, ancestors, depth + 1, true));
    return fieldsText(value as Record<string, unknown>, ancestors, depth + 1);
  } finally {
    ancestors.pop();
  }
}

// A hole or a value with no JSON form is written as null, as JSON.stringify writes it in an array.
function itemsText(items: readonly unknown[], ancestors: object[], depth: number): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    out += (i in items ? valueText(items[i], ancestors, depth) : undefined) ?? "null";
  }
  return `${out}]`;
}

function fieldsText(value: Record<string, unknown>, ancestors: object[], depth: number): string {
  let out = "";
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const text = fieldText(fieldName(key), readField(value, key), ancestors, depth);
    if (text !== undefined) out += (out === "" ? "{" : ",") + text;
  }
  return out === "" ? "{}" : `${out}}`;
}

/** A field name as written (quoted, with its colon) and whether it names a secret (see `isSecretKey`). */
interface FieldName {
  key: string;
  quoted: string;
  secret: boolean;
}

// Field names repeat across runs (a record's shape is the same every time): each is classified and
// quoted once, one lookup per field. Bounded, so ever-new names cannot grow it without limit.
const fieldNames = new Map<string, FieldName>();
const FIELD_NAMES_LIMIT = 4096;

function fieldName(key: string): FieldName {
  let name = fieldNames.get(key);
  if (name === undefined) {
    name = { key, quoted: `${JSON.stringify(key)}:`, secret: isSecretKey(key) };
    if (fieldNames.size < FIELD_NAMES_LIMIT && key.length <= 256) fieldNames.set(key, name);
  }
  return name;
}
