/** What a masked secret is replaced with. */
export const REDACTED = "[REDACTED]";

// Deeper data cannot be inspected within a bounded stack, so it is not sent at all (fail closed).
const MAX_DEPTH = 100;
const TOO_DEEP = "[Too deep]";

// Parts of a key name (compacted: lower case, separators removed) that always mean a credential.
const SECRET_KEY_PARTS = [
  "apikey",
  "password",
  "passwd",
  "passphrase",
  "secret",
  "authorization",
  "privatekey",
  "accesskey",
  "credential",
  "cookie",
];
// Whole words of a key name that mean a credential ("auth" but not "author").
const SECRET_KEY_WORDS = new Set(["auth", "pwd", "bearer", "jwt"]);
// "...token" is a credential (access_token, x-auth-token), except token counts (max_token, total_token).
const COUNT_PREFIXES = /(?:max|min|total|num|input|output|prompt|completion|cached|reasoning)token$/;

// Credentials recognizable by their shape wherever they appear (a key pasted into a prompt, an error
// message quoting the key it rejected). Each pattern is linear (no nested quantifiers) and starts with
// its literal `hint`: one cheap scan for any hint spares most text the full patterns.
const SHAPES: readonly { hint: string; pattern: string }[] = [
  { hint: "sk-", pattern: String.raw`(?<![A-Za-z0-9])sk-(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}` }, // OpenAI, Anthropic (sk-ant-…)
  { hint: "A[KSBC][IC]A", pattern: String.raw`(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])` }, // AWS access key ids
  { hint: "[Bb]earer", pattern: String.raw`(?<![A-Za-z0-9])[Bb]earer\s+[A-Za-z0-9._~+/-]{8,}=*` }, // HTTP bearer credentials
  { hint: "lsv2_", pattern: String.raw`(?<![A-Za-z0-9])lsv2_[a-z]{2}_[A-Za-z0-9_]{16,}` }, // LangSmith
  { hint: "AIza", pattern: String.raw`(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}` }, // Google API keys
  {
    hint: "gh[pousr]_|github_pat_",
    pattern: String.raw`(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`,
  }, // GitHub
  { hint: "xox[abprs]-", pattern: String.raw`(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}` }, // Slack
  { hint: "(?:gsk|hf|xai)[_-]", pattern: String.raw`(?<![A-Za-z0-9])(?:gsk|hf|xai)[_-][A-Za-z0-9]{30,}` }, // Groq, Hugging Face, xAI
  {
    hint: "eyJ",
    pattern: String.raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`,
  }, // JWTs
  {
    hint: "-----BEGIN",
    pattern: String.raw`-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----[\s\S]*?-----END [A-Z ]{0,40}PRIVATE KEY-----`,
  },
];
// Any shape's hint: no shape can match without its hint.
const SHAPE_HINT = new RegExp(SHAPES.map(({ hint }) => hint).join("|"));
// A key=value credential needs its separator and a key name, and every name in KEY_VALUES contains
// one of these words: text with a colon but no such word (most prose) skips the full patterns.
const KEY_VALUE_HINT = /key|token|secret|passw/i;
const VALUE_PATTERNS = SHAPES.map(({ pattern }) => pattern);
// `password=…`, `api_key: …`, `"token": "…"` inside free text (URLs, logs, error messages, JSON
// that does not parse): the name stays, the value goes. Not `tokens:` nor `max_token=`.
const KEY_VALUES =
  /(?<![A-Za-z0-9_])(api[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|client[_-]?secret|password|passwd|secret|token)(["']?\s*[:=]\s*["']?)[^\s&"',;}]{6,}/gi;
const KEY_VALUE = new RegExp(KEY_VALUES.source, "i");
const SECRET_VALUE = new RegExp(VALUE_PATTERNS.join("|"));
const SECRET_VALUES = new RegExp(VALUE_PATTERNS.join("|"), "g");
// The shortest string any pattern matches ("token=" + 6); shorter strings are not even scanned.
const MIN_SECRET_LENGTH = 12;
// Text that may be JSON (tool arguments, serialized payloads) is parsed so its keys are checked too.
const MAX_EMBEDDED_JSON = 1 << 20;

// Key names repeat endlessly (metadata keys, invocation params): each is classified once. Bounded,
// so ever-new keys cannot grow it without limit.
const keyCache = new Map<string, boolean>();
const KEY_CACHE_LIMIT = 4096;
// Short values repeat too (model names, providers, thread ids, span names): a lookup costs a third of
// a scan. Filled until full, never cleared: ever-new values (request ids) then cost one lookup more.
const textCache = new Map<string, string>();
const TEXT_CACHE_LIMIT = 4096;
const MAX_CACHED_TEXT = 256;

/**
 * Whether a field of this name holds a credential: api_key / apiKey / x-api-key, authorization,
 * password, secret, cookie, private/access keys, credentials, and `token` names (access_token,
 * x-auth-token) but not token counts (`tokens`, `max_tokens`, `token_usage`, `input_tokens`).
 *
 * @example
 * isSecretKey("openAIApiKey"); // true
 * isSecretKey("max_tokens");   // false
 */
export function isSecretKey(key: string): boolean {
  let secret = keyCache.get(key);
  if (secret === undefined) {
    secret = classifyKey(key);
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(key, secret);
  }
  return secret;
}

function classifyKey(key: string): boolean {
  if (key.length > 256) return false;
  // "openAIApiKey" → ["open", "ai", "api", "key"]; "X-Api-Key" → ["x", "api", "key"].
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
  const compact = words.join("");
  if (SECRET_KEY_PARTS.some((part) => compact.includes(part))) return true;
  if (words.some((word) => SECRET_KEY_WORDS.has(word))) return true;
  return compact.endsWith("token") && !COUNT_PREFIXES.test(compact);
}

/**
 * Whether a string contains a credential recognizable by its shape (`sk-…`, `sk-ant-…`, `Bearer …`,
 * AWS `AKIA…`, LangSmith `lsv2_…`, Google `AIza…`, GitHub, Slack, Groq, Hugging Face, JWTs, PEM
 * private keys).
 *
 * @example
 * containsSecret("Incorrect API key provided: sk-proj-abc123…"); // true
 */
export function containsSecret(text: string): boolean {
  if (text.length < MIN_SECRET_LENGTH) return false;
  if (!SHAPE_HINT.test(text) && !(hasSeparator(text) && KEY_VALUE_HINT.test(text))) return false;
  return SECRET_VALUE.test(text) || KEY_VALUE.test(text);
}

function hasSeparator(text: string): boolean {
  return text.includes(":") || text.includes("=");
}

/**
 * The string with every credential recognizable by its shape replaced by `[REDACTED]` (a bearer
 * credential keeps its scheme: `Bearer [REDACTED]`); the same string when there is none.
 *
 * @example
 * maskSecretsInString("auth failed for sk-ant-api03-AbCdEf0123456789xyz"); // "auth failed for [REDACTED]"
 */
export function maskSecretsInString(text: string): string {
  if (text.length < MIN_SECRET_LENGTH) return text;
  if (text.length > MAX_CACHED_TEXT) return maskShapes(text);
  let masked = textCache.get(text);
  if (masked === undefined) {
    masked = maskShapes(text);
    if (textCache.size < TEXT_CACHE_LIMIT) textCache.set(text, masked);
  }
  return masked;
}

function maskShapes(text: string): string {
  if (!containsSecret(text)) return text;
  return text
    .replace(SECRET_VALUES, (match) => (/^bearer\s/i.test(match) ? `${match.slice(0, 6)} ${REDACTED}` : REDACTED))
    .replace(KEY_VALUES, (_match, name: string, separator: string) => `${name}${separator}${REDACTED}`);
}

/**
 * A string as `maskSecrets` masks it: JSON text (a tool call's arguments) is parsed so that its
 * secret-named fields are masked too, and re-serialized only when something was; then credentials
 * recognizable by their shape are masked.
 */
function maskText(text: string, depth: number): string {
  if (mayBeJson(text) && text.length <= MAX_EMBEDDED_JSON) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined; // not JSON after all: masked as text
    }
    if (typeof parsed === "object" && parsed !== null) {
      const masked = mask(parsed, depth);
      if (masked !== parsed) return maskSecretsInString(JSON.stringify(masked));
    }
  }
  return maskSecretsInString(text);
}

// Whether the text starts with "{" or "[" after any whitespace, without trimming a copy of every string.
function mayBeJson(text: string): boolean {
  const code = text.charCodeAt(0);
  if (code === 0x7b || code === 0x5b) return true;
  // Only a string that starts with whitespace (ASCII, or a Unicode space at 0xA0 and above) needs trimming.
  if (code > 0x20 && code < 0xa0) return false;
  const first = text.trimStart()[0];
  return first === "{" || first === "[";
}

/**
 * A copy of JSON data with credentials masked: the value of every field whose name is a secret key
 * (see `isSecretKey`) becomes `[REDACTED]` (booleans, null and empty strings carry no secret and stay),
 * and credentials inside any string are masked (see `maskSecretsInString`). Copy on write: parts with
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
  if (typeof value === "string") return isSecretKey(key) && carriesSecret(value) ? REDACTED : maskText(value, 0);
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
    const masked = key === "events" && Array.isArray(field) ? maskEvents(field) : maskField(key, field, 1, false);
    if (masked !== field) copy = assign(copy ?? { ...record }, key, masked);
  }
  return (copy ?? run) as R;
}

const TOKEN_EVENT = "new_token";

function maskEvents(events: readonly unknown[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let i = 0; i < events.length; i++) {
    const event: unknown = events[i];
    const masked = isTokenEvent(event) ? maskTokenEvent(event) : mask(event, 2);
    if (masked !== event) (copy ??= events.slice())[i] = masked;
  }
  return copy ?? (events as unknown[]);
}

function isTokenEvent(event: unknown): event is Record<string, unknown> & { kwargs: Record<string, unknown> } {
  if (typeof event !== "object" || event === null) return false;
  const { name, kwargs } = event as { name?: unknown; kwargs?: unknown };
  return name === TOKEN_EVENT && typeof kwargs === "object" && kwargs !== null && !Array.isArray(kwargs);
}

function maskTokenEvent(event: Record<string, unknown> & { kwargs: Record<string, unknown> }): unknown {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(event)) {
    const field = event[key];
    const masked = key === "kwargs" ? maskRecord(event.kwargs, 3, TOKEN_KEY) : maskField(key, field, 3, false);
    if (masked !== field) copy = assign(copy ?? { ...event }, key, masked);
  }
  return copy ?? event;
}

const TOKEN_KEY = "token";

function mask(value: unknown, depth: number): unknown {
  if (typeof value === "string") return maskText(value, depth + 1);
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
