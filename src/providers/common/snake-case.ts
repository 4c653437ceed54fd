import { isRecord, type JsonRecord } from "./records.js";

const snakeCache = new Map<string, string>();

/**
 * camelCase → snake_case, the wire spelling of the keys that generated SDKs (Speakeasy, Fern) and
 * Gemini's REST bodies write in camelCase. Cached (bounded): the same keys repeat on every chunk.
 *
 * @example
 * snakeCase("promptTokens"); // "prompt_tokens"
 */
export function snakeCase(key: string): string {
  let snake = snakeCache.get(key);
  if (snake === undefined) {
    snake = key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    if (snakeCache.size < 256) snakeCache.set(key, snake);
  }
  return snake;
}

/**
 * An SDK object with its keys in the provider's wire spelling (snake_case), so the payload
 * normalizers read what the API sent. Values under `verbatim` keys (free-form data such as tool-call
 * arguments or documents, whose keys are the caller's) are kept as they are. Copy on write: a value
 * whose keys are all spelled right already is returned itself, so a stream's plain text events cost
 * no allocation.
 *
 * @example
 * snakeCaseKeys({ finishReason: "stop", toolCalls: [{ function: { arguments: { cityName: "Paris" } } }] }, new Set(["arguments"]));
 * // { finish_reason: "stop", tool_calls: [{ function: { arguments: { cityName: "Paris" } } }] }
 */
export function snakeCaseKeys(value: unknown, verbatim: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const converted = snakeCaseKeys(item, verbatim);
      if (converted !== item) (copy ??= value.slice())[i] = converted;
    }
    return copy ?? value;
  }
  if (!isRecord(value) || Object.getPrototypeOf(value) !== Object.prototype) return value;
  let copy: JsonRecord | undefined;
  for (const key in value) {
    const item = value[key];
    const snake = snakeCase(key);
    const converted = verbatim.has(key) ? item : snakeCaseKeys(item, verbatim);
    if (copy === undefined && (snake !== key || converted !== item)) copy = copyBefore(value, key);
    if (copy !== undefined) copy[snake] = converted;
  }
  return copy ?? value;
}

// The keys of `record` before `stop` (all spelled right and unchanged, or the copy would have started earlier).
function copyBefore(record: JsonRecord, stop: string): JsonRecord {
  const copy: JsonRecord = {};
  for (const key in record) {
    if (key === stop) break;
    copy[key] = record[key];
  }
  return copy;
}
