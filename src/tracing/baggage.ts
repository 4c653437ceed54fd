import { emitWarning } from "../../callbacks/warnings.js";
import { toJsonSafe } from "../export/json-safe.js";
import { maskSecrets, maskSecretsInString } from "../export/redact.js";

/** What LangSmith propagates in the W3C `baggage` header. */
export interface LangSmithBaggage {
  metadata?: Record<string, unknown>;
  tags?: string[];
  projectName?: string;
}

/** Longest `baggage` header read or written (the common proxy limit is 8 KiB per header). */
export const MAX_BAGGAGE_LENGTH = 8192;
const MAX_TAGS = 64;
const MAX_TAG_LENGTH = 256;
const MAX_PROJECT_LENGTH = 256;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
// A lone UTF-16 surrogate is not text: it cannot be percent-encoded (encodeURIComponent throws).
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Keys that would reach an object's prototype if the metadata were ever merged with Object.assign.
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The `baggage` value the `langsmith` package writes: `langsmith-metadata` (URI-encoded JSON),
 * `langsmith-tags` (URI-encoded, comma-joined) and `langsmith-project`, in that order, comma-separated;
 * empty parts are left out. When the value would exceed 8 KiB, metadata (then tags) are left out, with
 * a warning. Returns "" when there is nothing to send.
 *
 * @example
 * encodeBaggage({ metadata: { user: "u1" }, tags: ["a", "b"], projectName: "demo" });
 * // 'langsmith-metadata=%7B%22user%22%3A%22u1%22%7D,langsmith-tags=a%2Cb,langsmith-project=demo'
 */
export function encodeBaggage({ metadata, tags, projectName }: LangSmithBaggage): string {
  const metadataItem =
    metadata !== undefined && Object.keys(metadata).length > 0
      ? `langsmith-metadata=${encodeURIComponent(JSON.stringify(maskSecrets(toJsonSafe(metadata))))}`
      : undefined;
  const tagsItem =
    tags !== undefined && tags.length > 0
      ? `langsmith-tags=${encodeText(tags.map(maskSecretsInString).join(","))}`
      : undefined;
  const projectItem = projectName ? `langsmith-project=${encodeText(projectName)}` : undefined;
  const join = (...items: (string | undefined)[]): string => items.filter((item) => item !== undefined).join(",");
  const full = join(metadataItem, tagsItem, projectItem);
  if (full.length <= MAX_BAGGAGE_LENGTH) return full;
  emitWarning(
    "baggage_too_large",
    `baggage over ${MAX_BAGGAGE_LENGTH} characters: run metadata left out of the headers`,
  );
  const withoutMetadata = join(tagsItem, projectItem);
  return withoutMetadata.length <= MAX_BAGGAGE_LENGTH ? withoutMetadata : join(projectItem);
}

/**
 * Reads LangSmith's entries from an untrusted `baggage` header. Other entries (other vendors' baggage)
 * are ignored; a malformed or oversized LangSmith entry is ignored with a warning and the rest is
 * kept. Never throws.
 *
 * @example
 * decodeBaggage("langsmith-tags=a%2Cb,userId=42"); // { tags: ["a", "b"] }
 */
export function decodeBaggage(header: string): LangSmithBaggage {
  const baggage: LangSmithBaggage = {};
  if (header.length > MAX_BAGGAGE_LENGTH) {
    emitWarning("invalid_header", `Ignored a baggage header over ${MAX_BAGGAGE_LENGTH} characters`);
    return baggage;
  }
  for (const item of header.split(",")) {
    const separator = item.indexOf("=");
    if (separator < 0) continue;
    const key = item.slice(0, separator).trim();
    if (key !== "langsmith-metadata" && key !== "langsmith-tags" && key !== "langsmith-project") continue;
    // W3C baggage may append properties after ";"; LangSmith values are URI-encoded, so ";" starts them.
    const value = decode(
      item
        .slice(separator + 1)
        .split(";")[0]
        ?.trim() ?? "",
      key,
    );
    if (value === undefined) continue;
    if (key === "langsmith-metadata") assign(baggage, "metadata", parseMetadata(value));
    else if (key === "langsmith-tags") assign(baggage, "tags", parseTags(value));
    else assign(baggage, "projectName", parseProject(value));
  }
  return baggage;
}

// Percent-encodes text; a lone surrogate (which encodeURIComponent refuses) becomes U+FFFD.
function encodeText(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATES, "\ufffd"));
}

function assign<K extends keyof LangSmithBaggage>(baggage: LangSmithBaggage, key: K, value: LangSmithBaggage[K]): void {
  if (value !== undefined) baggage[key] = value;
}

function decode(value: string, key: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    emitWarning("invalid_header", `Ignored baggage entry ${key}: malformed percent-encoding`);
    return undefined;
  }
}

function parseMetadata(value: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    emitWarning("invalid_header", "Ignored baggage entry langsmith-metadata: not JSON");
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    emitWarning("invalid_header", "Ignored baggage entry langsmith-metadata: not a JSON object");
    return undefined;
  }
  const metadata: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(parsed)) {
    if (FORBIDDEN_KEYS.has(key)) {
      emitWarning("invalid_header", `Ignored metadata key ${JSON.stringify(key)} from a baggage header`);
      continue;
    }
    metadata[key] = field;
  }
  return metadata;
}

function parseTags(value: string): string[] | undefined {
  const tags = value.split(",");
  const kept = tags.filter((tag) => tag.length <= MAX_TAG_LENGTH && isPlainText(tag)).slice(0, MAX_TAGS);
  if (kept.length < tags.length) {
    emitWarning(
      "invalid_header",
      `Ignored ${tags.length - kept.length} baggage tag(s): too many, too long, or with control characters or broken UTF-16`,
    );
  }
  return kept;
}

function parseProject(value: string): string | undefined {
  if (value.length === 0 || value.length > MAX_PROJECT_LENGTH || !isPlainText(value)) {
    emitWarning(
      "invalid_header",
      "Ignored baggage entry langsmith-project: empty, too long, or with control characters or broken UTF-16",
    );
    return undefined;
  }
  return value;
}

function isPlainText(value: string): boolean {
  return !CONTROL_CHARACTERS.test(value) && value.replace(LONE_SURROGATES, "") === value;
}
