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
 * A deep copy of an SDK object with its keys in the provider's wire spelling (snake_case), so the
 * payload normalizers read what the API sent. Values under `verbatim` keys (free-form data such as
 * tool-call arguments or documents, whose keys are the caller's) are kept as they are.
 *
 * @example
 * snakeCaseKeys({ finishReason: "stop", toolCalls: [{ function: { arguments: { cityName: "Paris" } } }] }, new Set(["arguments"]));
 * // { finish_reason: "stop", tool_calls: [{ function: { arguments: { cityName: "Paris" } } }] }
 */
export function snakeCaseKeys(value: unknown, verbatim: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => snakeCaseKeys(item, verbatim));
  if (!isRecord(value) || value instanceof Date || ArrayBuffer.isView(value)) return value;
  const out: JsonRecord = {};
  for (const key of Object.keys(value)) {
    out[snakeCase(key)] = verbatim.has(key) ? value[key] : snakeCaseKeys(value[key], verbatim);
  }
  return out;
}
