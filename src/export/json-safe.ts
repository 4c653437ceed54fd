import type { Run } from "../../schemas/index.js";
import { maskKeyedValue, maskRunField, maskRunSecrets, maskSecrets, maskSecretsInString } from "./redact.js";

/** Nesting deeper than this becomes `"[Too deep]"` (internal: shared with the text serializer). */
export const MAX_DEPTH = 64;

/**
 * A copy of `value` made of JSON data only, so that serializing it cannot throw and round-trips:
 * `toJSON` is honoured (dates become ISO strings, LangChain.js messages their serialized form),
 * errors become `{ name, message }`, maps objects, sets arrays, bigints strings, binary data a short
 * description, non-finite numbers null; functions, symbols and undefined are left out; a circular
 * reference becomes `"[Circular]"` and nesting deeper than 64 levels `"[Too deep]"`.
 *
 * @example
 * toJsonSafe({ at: new Date(0), n: 10n, f() {} }); // → { at: "1970-01-01T00:00:00.000Z", n: "10" }
 */
export function toJsonSafe(value: unknown): unknown {
  return convert(value, [], 0, false);
}

/**
 * A run whose free-form parts (inputs, outputs, extra, events, serialized) are JSON-safe. Exporters
 * receive runs in this form.
 *
 * @example
 * exporter.export(runs.map(toJsonSafeRun));
 */
export function toJsonSafeRun(run: Run): Run {
  return convert(run, [], 0, false) as Run;
}

/**
 * `maskRunSecrets(toJsonSafeRun(run))` in one walk instead of two: strings are masked as they are
 * copied and secret-named fields replaced as they are set, so no unmasked copy is built and walked
 * again. Only the `events` list is converted first and masked as a whole (a credential may be
 * streamed across several tokens).
 *
 * @example
 * exporter.export(runs.map(toMaskedJsonSafeRun));
 */
export function toMaskedJsonSafeRun(run: Run): Run {
  const record = run as unknown as Record<string, unknown>;
  // The record the tracer builds is a plain object; anything else takes the two-walk reference.
  if (Object.getPrototypeOf(record) !== Object.prototype || typeof record.toJSON === "function")
    return maskRunSecrets(toJsonSafeRun(run));
  const ancestors: object[] = [record];
  const out: Record<string, unknown> = {};
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const field = readField(record, key);
    if (key === "events") {
      const events = convert(field, ancestors, 1, false);
      if (events !== undefined) setField(out, key, maskRunField(key, events));
    } else setField(out, key, maskKeyed(key, convert(field, ancestors, 1, true), true));
  }
  return out as unknown as Run;
}

/**
 * The JSON-safe copy of `value` below `ancestors` (internal: shared with the text serializer, run-json.ts).
 * `masked`: strings are masked and secret-named fields replaced as the copy is made (the fused pass).
 */
export function convert(value: unknown, ancestors: object[], depth: number, masked: boolean): unknown {
  switch (typeof value) {
    case "string":
      return masked ? maskSecretsInString(value) : value;
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return masked ? maskSecretsInString(value.toString()) : value.toString();
    case "object":
      return value === null ? null : guardedObject(value, ancestors, depth, masked);
    default:
      return undefined; // undefined, functions and symbols have no JSON form
  }
}

// A revoked Proxy, a Proxy whose traps throw, an iterator that throws: the value becomes a marker,
// the rest of the record stays (the ancestor stack is restored by convertObject's finally).
function guardedObject(value: object, ancestors: object[], depth: number, masked: boolean): unknown {
  try {
    return convertObject(value, ancestors, depth, masked);
  } catch {
    return UNREADABLE;
  }
}

function convertObject(value: object, ancestors: object[], depth: number, masked: boolean): unknown {
  if (ancestors.includes(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Too deep]";
  // Object literals and arrays, nearly all of a run, skip the checks for the special kinds.
  const proto: unknown = Object.getPrototypeOf(value);
  const plain = proto === Object.prototype || proto === Array.prototype;
  if (!plain) {
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      const description = `[${value.constructor.name}: ${value.byteLength} bytes]`;
      return masked ? maskSecretsInString(description) : description;
    }
    if (value instanceof Error) {
      const error = { name: value.name, message: value.message };
      return masked ? maskSecrets(error) : error;
    }
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const replaced = callToJSON(toJSON, value);
    // A toJSON that returns its own object would loop; read the object's fields instead.
    if (replaced !== value) return convert(replaced, ancestors, depth + 1, masked);
  }
  // A stack rather than a Set: ancestors are few, and hashing every object cost more than the scan.
  ancestors.push(value);
  try {
    if (Array.isArray(value)) return convertItems(value, ancestors, depth + 1, masked);
    if (!plain && value instanceof Set) return convertItems([...value], ancestors, depth + 1, masked);
    if (!plain && value instanceof Map) return convertMap(value, ancestors, depth + 1, masked);
    return convertFields(value as Record<string, unknown>, ancestors, depth + 1, masked);
  } finally {
    ancestors.pop();
  }
}

// Plain loops rather than map/entries: the export converts every run, and closures or [key, value]
// pairs per field were most of its cost. A hole stays a hole, as Array.prototype.map leaves it.
function convertItems(items: readonly unknown[], ancestors: object[], depth: number, masked: boolean): unknown[] {
  const out = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i in items) out[i] = convert(items[i], ancestors, depth, masked) ?? null;
  }
  return out;
}

function convertFields(
  value: Record<string, unknown>,
  ancestors: object[],
  depth: number,
  masked: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    setField(out, key, maskKeyed(key, convert(readField(value, key), ancestors, depth, masked), masked));
  }
  return out;
}

/** The JSON-safe object of a Map's entries (internal: shared with the text serializer). */
export function convertMap(
  value: Map<unknown, unknown>,
  ancestors: object[],
  depth: number,
  masked: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of value) {
    const name = mapKey(key);
    setField(out, name, maskKeyed(name, convert(field, ancestors, depth, masked), masked));
  }
  return out;
}

/** `value[key]`, or a marker when reading it throws: a throwing getter loses its own field, not the rest. */
export function readField(value: Record<string, unknown>, key: string): unknown {
  try {
    return value[key];
  } catch {
    return UNREADABLE;
  }
}

function maskKeyed(key: string, converted: unknown, masked: boolean): unknown {
  return masked && converted !== undefined ? maskKeyedValue(key, converted) : converted;
}

function setField(out: Record<string, unknown>, name: string, converted: unknown): void {
  if (converted === undefined) return;
  // Assigning "__proto__" would replace the prototype; it must stay a plain field.
  if (name === "__proto__")
    Object.defineProperty(out, name, { value: converted, enumerable: true, writable: true, configurable: true });
  else out[name] = converted;
}

/** What an unreadable value becomes (internal: shared with the text serializer). */
export const UNREADABLE = "[Unreadable]";

// A Map's key as a field name: String(key), or a marker for a key that has no text form (a
// null-prototype object, a revoked Proxy).
function mapKey(key: unknown): string {
  try {
    return String(key);
  } catch {
    return UNREADABLE;
  }
}

/** `toJSON.call(value)`, or the unreadable marker when it throws (internal: shared with the text serializer). */
export function callToJSON(toJSON: unknown, value: object): unknown {
  try {
    return (toJSON as () => unknown).call(value);
  } catch {
    return UNREADABLE;
  }
}
