import { isSecretKey } from "./secret-key.js";
import { findSecrets, SHORT_TEXT } from "./secret-scan.js";

export { isSecretKey };

/** What a masked secret is replaced with. */
export const REDACTED = "[REDACTED]";

// Deeper data cannot be inspected within a bounded stack, so it is not sent at all (fail closed).
const MAX_DEPTH = 100;
const TOO_DEEP = "[Too deep]";

// Strings shorter than the shortest credential any detector finds (`pwd=abcd`) are not scanned.
const MIN_SECRET_LENGTH = 8;

// Values of medium length may repeat (system prompts, model outputs): a lookup costs less than a scan.
// Filled until full, never cleared: ever-new values then cost one lookup more. Short values are not
// cached: scanning one costs about what hashing it for a lookup does, and most are ever-new (ids, times).
const textCache = new Map<string, string>();
const TEXT_CACHE_LIMIT = 4096;
const MAX_CACHED_TEXT = 256;

/**
 * Whether a string contains a credential, recognized by its shape (`sk-…`, `sk_live_…`, AWS `AKIA…`,
 * GitHub, GitLab, Slack, Google, npm, SendGrid, JWTs, private keys, `Bearer …` and `Basic …`
 * credentials, `scheme://user:password@host`) or by its name (`password=…`, `"api_key": "…"`,
 * `AWS_SECRET_ACCESS_KEY=…`). Linear in the string's length.
 *
 * @example
 * containsSecret("Incorrect API key provided: sk-proj-abc123…"); // true
 */
export function containsSecret(text: string): boolean {
  return text.length >= MIN_SECRET_LENGTH && findSecrets(text).length > 0;
}

/**
 * The string with every credential replaced by `[REDACTED]` (see `containsSecret`): a bearer
 * credential keeps its scheme (`Bearer [REDACTED]`), `name=value` its name, a URL its user and host;
 * the same string when there is none. Linear in the string's length, however hostile.
 *
 * @example
 * maskSecretsInString("auth failed for sk-ant-api03-AbCdEf0123456789xyz"); // "auth failed for [REDACTED]"
 */
export function maskSecretsInString(text: string): string {
  if (text.length < MIN_SECRET_LENGTH) return text;
  if (text.length <= SHORT_TEXT || text.length > MAX_CACHED_TEXT) return maskRanges(text, findSecrets(text));
  return maskRemembered(textCache, text);
}

// The masked text from `cache`, scanned and remembered (until the cache is full) when not there yet.
function maskRemembered(cache: Map<string, string>, text: string): string {
  let masked = cache.get(text);
  if (masked === undefined) {
    masked = maskRanges(text, findSecrets(text));
    if (cache.size < TEXT_CACHE_LIMIT) cache.set(text, masked);
  }
  return masked;
}

// Short values that recur by nature (run and span names, metadata values, model names): most of them
// are the same string object run after run, whose hash V8 keeps, so a lookup costs less than a scan.
// Longer ones share textCache. Bounded like it; ever-new values (a request id in metadata) then cost
// one lookup more.
const recurringCache = new Map<string, string>();

/**
 * `maskSecretsInString` for a value that recurs from run to run (a run name, a metadata value, a
 * model name), remembered: the same result, without a scan when the value was seen before.
 *
 * @example
 * maskRecurringString("ChatOpenAI"); // "ChatOpenAI" (scanned once, then looked up)
 */
export function maskRecurringString(text: string): string {
  if (text.length < MIN_SECRET_LENGTH || text.length > SHORT_TEXT) return maskSecretsInString(text);
  return maskRemembered(recurringCache, text);
}

/**
 * `text` with each `[start, end)` range of `ranges` (ordered, flattened pairs) replaced by `[REDACTED]`.
 *
 * @example
 * maskRanges("key=abc", [4, 7]); // "key=[REDACTED]"
 */
export function maskRanges(text: string, ranges: readonly number[]): string {
  if (ranges.length === 0) return text;
  let out = "";
  let from = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    out += text.slice(from, ranges[i]) + REDACTED;
    from = ranges[i + 1] as number;
  }
  return out + text.slice(from);
}

/**
 * A copy of JSON data with credentials masked: the value of every field whose name is a secret key
 * (see `isSecretKey`) becomes `[REDACTED]` (booleans, null and empty strings carry no secret and stay),
 * and credentials inside any string are masked (see `maskSecretsInString`; JSON text by its `"name": "value"` pairs, never re-serialized). Copy on write: parts with
 * nothing to mask are shared, not copied, and the input is never modified. Data nested deeper than
 * 100 levels is replaced by `"[Too deep]"` rather than sent unchecked.
 *
 * @example
 * maskSecrets({ model: "gpt-4o", api_key: "abc", max_tokens: 10 });
 * // → { model: "gpt-4o", api_key: "[REDACTED]", max_tokens: 10 }
 */
export function maskSecrets<T>(value: T): T {
  return mask(value, 0) as T;
}

/**
 * A `JSON.stringify` replacer that masks as `maskSecrets` does, keeping JSON.stringify's own handling
 * of `toJSON` and circular references (which throw).
 *
 * @example
 * JSON.stringify({ headers: { Authorization: "Bearer abc" } }, secretMaskingReplacer);
 * // '{"headers":{"Authorization":"[REDACTED]"}}'
 */
export function secretMaskingReplacer(key: string, value: unknown): unknown {
  if (typeof value === "string")
    return isSecretKey(key) && carriesSecret(value) ? REDACTED : maskSecretsInString(value);
  return key !== "" && isSecretKey(key) && carriesSecret(value) ? REDACTED : value;
}

/**
 * `maskSecrets` of a Run record, except that a streamed token (`kwargs.token` of a `new_token` event)
 * is text the model wrote, not a credential: it is checked by its shape only.
 *
 * @example
 * exporter.export(runs.map(maskRunSecrets));
 */
export function maskRunSecrets<R extends object>(run: R): R {
  let copy: Record<string, unknown> | undefined;
  const record = run as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const field = record[key];
    const masked = maskRunField(key, field);
    if (masked !== field) copy = assign(copy ?? { ...record }, key, masked);
  }
  return (copy ?? run) as R;
}

/** `maskRunSecrets` of one top-level field of a JSON-safe Run record (internal: the fused export pass). */
export function maskRunField(key: string, field: unknown): unknown {
  return key === "events" && Array.isArray(field) ? maskEvents(field) : maskField(key, field, 1, false);
}

/**
 * What `maskSecrets` makes of a field whose value is already masked JSON data: `[REDACTED]` when the
 * name is a secret key and the value carries something (internal: the fused export pass).
 */
export function maskKeyedValue(key: string, masked: unknown): unknown {
  return isSecretKey(key) && carriesSecret(masked) ? REDACTED : masked;
}

const TOKEN_EVENT = "new_token";

function maskEvents(events: readonly unknown[]): unknown[] {
  const streamed = streamedSecrets(events);
  let copy: unknown[] | undefined;
  for (let i = 0; i < events.length; i++) {
    const event: unknown = events[i];
    const masked = isTokenEvent(event) ? maskTokenEvent(event, streamed?.get(i)) : mask(event, 2);
    if (masked !== event) (copy ??= events.slice())[i] = masked;
  }
  return copy ?? (events as unknown[]);
}

/** Whether an event of a JSON-safe run is a streamed token's (internal: the text serializer masks it so too). */
export function isTokenEvent(event: unknown): event is Record<string, unknown> & { kwargs: Record<string, unknown> } {
  if (typeof event !== "object" || event === null) return false;
  const { name, kwargs } = event as { name?: unknown; kwargs?: unknown };
  return name === TOKEN_EVENT && typeof kwargs === "object" && kwargs !== null && !Array.isArray(kwargs);
}

function maskTokenEvent(
  event: Record<string, unknown> & { kwargs: Record<string, unknown> },
  streamedToken: string | undefined,
): unknown {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(event)) {
    const field = event[key];
    let masked = key === "kwargs" ? maskRecord(event.kwargs, 3, TOKEN_KEY) : maskField(key, field, 3, false);
    if (key === "kwargs" && streamedToken !== undefined) masked = assign({ ...event.kwargs }, TOKEN_KEY, streamedToken);
    if (masked !== field) copy = assign(copy ?? { ...event }, key, masked);
  }
  return copy ?? event;
}

// A credential the model streams over several tokens ("sk-proj-", "Ab12…", "…") is found in the text
// of all tokens together; each token then loses its part of it (the first part becomes [REDACTED]).
// Returns the masked text of each token that changes, by event index.
function streamedSecrets(events: readonly unknown[]): Map<number, string> | undefined {
  const indexes: number[] = [];
  const offsets: number[] = [];
  let joined = "";
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (!isTokenEvent(event) || typeof event.kwargs.token !== "string") continue;
    indexes.push(i);
    offsets.push(joined.length);
    joined += event.kwargs.token;
  }
  if (indexes.length < 2) return undefined;
  const ranges = findSecrets(joined);
  if (ranges.length === 0) return undefined;
  const masked = new Map<number, string>();
  let r = 0;
  for (let k = 0; k < indexes.length; k++) {
    const start = offsets[k] as number;
    const end = k + 1 < offsets.length ? (offsets[k + 1] as number) : joined.length;
    let text = "";
    let position = start;
    while (r < ranges.length && (ranges[r] as number) < end) {
      const [from, to] = [ranges[r] as number, ranges[r + 1] as number];
      if (to > start) {
        text += joined.slice(position, Math.max(from, start)) + (from >= start ? REDACTED : "");
        position = Math.min(to, end);
      }
      if (to > end) break;
      r += 2;
    }
    if (position !== start) masked.set(indexes[k] as number, text + joined.slice(position, end));
  }
  return masked;
}

/** The field of a token event's `kwargs` holding the token: text the model wrote, checked by its shape only. */
export const TOKEN_KEY = "token";

function mask(value: unknown, depth: number): unknown {
  if (typeof value === "string") return maskSecretsInString(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const masked = mask(item, depth + 1);
      if (masked !== item) (copy ??= value.slice())[i] = masked;
    }
    return copy ?? value;
  }
  return maskRecord(value as Record<string, unknown>, depth, undefined);
}

function maskRecord(
  record: Record<string, unknown>,
  depth: number,
  valueOnlyKey: string | undefined,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const field = record[key];
    const masked = maskField(key, field, depth + 1, key === valueOnlyKey);
    if (masked !== field) copy = assign(copy ?? { ...record }, key, masked);
  }
  return copy ?? record;
}

function maskField(key: string, field: unknown, depth: number, valueOnly: boolean): unknown {
  return !valueOnly && isSecretKey(key) && carriesSecret(field) ? REDACTED : mask(field, depth);
}

// A "__proto__" field of parsed JSON must stay a field, not become the copy's prototype.
function assign(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

function carriesSecret(value: unknown): boolean {
  return value !== null && value !== undefined && typeof value !== "boolean" && value !== "" && value !== REDACTED;
}
