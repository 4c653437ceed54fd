/** A JSON object from an untrusted payload. */
export type JsonRecord = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): JsonRecord | undefined {
  return isRecord(value) ? value : undefined;
}

export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/** The items of `value` when it is an array, else a shared empty list (nothing allocated per chunk). */
export function itemsOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : NO_ITEMS;
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A shallow copy of `record` without `keys`. */
export function omitKeys(record: JsonRecord, keys: ReadonlySet<string>): JsonRecord {
  const out: JsonRecord = {};
  for (const key of Object.keys(record)) {
    if (!keys.has(key)) out[key] = record[key];
  }
  return out;
}

/** Copies into `target` the keys of `source` that are neither in `known` nor null/undefined. */
export function copyUnknownKeys(source: JsonRecord, known: ReadonlySet<string>, target: JsonRecord): void {
  for (const key in source) {
    if (known.has(key)) continue;
    const value = source[key];
    if (value !== undefined && value !== null) target[key] = value;
  }
}

/** A short description of a value for error messages: never the whole (possibly huge or secret) value. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value);
  }
  if (Array.isArray(value)) return "an array";
  if (isRecord(value)) {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 8).join(", ");
    return keys.length === 0 ? "an empty object" : `an object with keys ${shown}${keys.length > 8 ? ", …" : ""}`;
  }
  return typeof value;
}
