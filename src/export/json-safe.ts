import type { Run } from "../../schemas/index.js";

const MAX_DEPTH = 64;

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
  return convert(value, new Set(), 0);
}

/**
 * A run whose free-form parts (inputs, outputs, extra, events, serialized) are JSON-safe. Exporters
 * receive runs in this form.
 *
 * @example
 * exporter.export(runs.map(toJsonSafeRun));
 */
export function toJsonSafeRun(run: Run): Run {
  return convert(run, new Set(), 0) as Run;
}

function convert(value: unknown, ancestors: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "object":
      return value === null ? null : convertObject(value, ancestors, depth);
    default:
      return undefined; // undefined, functions and symbols have no JSON form
  }
}

function convertObject(value: object, ancestors: Set<object>, depth: number): unknown {
  if (ancestors.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Too deep]";
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `[${value.constructor.name}: ${value.byteLength} bytes]`;
  }
  if (value instanceof Error) return { name: value.name, message: value.message };
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const replaced = attempt(() => (toJSON as () => unknown).call(value));
    // A toJSON that returns its own object would loop; read the object's fields instead.
    if (replaced !== value) return convert(replaced, ancestors, depth + 1);
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => convert(item, ancestors, depth + 1) ?? null);
    if (value instanceof Set) return [...value].map((item) => convert(item, ancestors, depth + 1) ?? null);
    const entries: Iterable<[unknown, unknown]> =
      value instanceof Map ? value.entries() : Object.keys(value).map((key) => [key, readField(value, key)]);
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries) {
      const converted = convert(field, ancestors, depth + 1);
      if (converted === undefined) continue;
      const name = String(key);
      // Assigning "__proto__" would replace the prototype; it must stay a plain field.
      if (name === "__proto__") Object.defineProperty(out, name, { value: converted, enumerable: true, writable: true, configurable: true });
      else out[name] = converted;
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

function readField(value: object, key: string): unknown {
  return attempt(() => (value as Record<string, unknown>)[key]);
}

function attempt(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return "[Unreadable]";
  }
}
