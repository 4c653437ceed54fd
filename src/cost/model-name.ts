/** A model name reduced to the keys a price table is searched with. */
export interface NormalizedModelName {
  /** The shortest form: no provider prefix, date, snapshot or version suffix (`gpt-4o-mini`). */
  base: string;
  /** Lookup keys from the most specific to `base`; a price registered for a dated name wins. */
  candidates: readonly string[];
  /** The provider the name's own prefix reveals (`fireworks`, `amazon_bedrock`, …), if any. */
  provider?: string;
}

// Bedrock model ids and inference profiles: `[region.]vendor.model[-vN[:M]]`.
const BEDROCK_ID =
  /^(?:(?:us|us-gov|eu|apac|ap|jp|au|ca|global)\.)?(?:anthropic|amazon|meta|mistral|cohere|ai21|deepseek|openai|qwen|writer|twelvelabs|stability|moonshot|minimax)\.(.+)$/;
const BEDROCK_VERSION = /-v\d+(?::\d+)?$/;

// Tried in order, longest first, so `-2024-07-18` is not mistaken for `-07-18`.
const SUFFIXES: readonly ((name: string) => string | undefined)[] = [
  (name) => strip(name, /-latest$/),
  (name) => strip(name, /@[\w.-]+$/), // Vertex AI `claude-sonnet-4-5@20250929`
  (name) => strip(name, /-\d{4}-\d{2}-\d{2}$/), // OpenAI `-2024-07-18`
  (name) => strip(name, /-\d{8}$/), // Anthropic `-20250929`
  (name) => strip(name, /-\d{2}-\d{2}$/), // `-05-20`, Mistral `-26-04`
  (name) => {
    const match = /-(\d{2})(\d{2})$/.exec(name); // `-0613` (MMDD) or Mistral `-2503` (YYMM)
    return match && looksLikeDate(Number(match[1]), Number(match[2])) ? name.slice(0, -5) : undefined;
  },
  (name) => strip(name, /-\d{3}$/), // Gemini `-001`
];

const PREFIXES: readonly { pattern: RegExp; provider?: string }[] = [
  { pattern: /^accounts\/[^/]+\/models\//, provider: "fireworks" },
  { pattern: /^(?:projects\/[^/]+\/locations\/[^/]+\/)?publishers\/[^/]+\/models\//, provider: "google_vertexai" },
  { pattern: /^models\//, provider: "google_genai" },
];

const cache = new Map<string, NormalizedModelName>();
const CACHE_LIMIT = 1024;

/**
 * Reduces a model name as providers report it to the keys the price table knows: lower case,
 * provider prefixes removed (`accounts/fireworks/models/…`, `models/…`, `openai/…`, Bedrock's
 * `us.anthropic.…-v1:0`, ARNs), then dated and versioned suffixes removed one at a time
 * (`-2024-07-18`, `-20250929`, `@20250929`, `-2503`, `-001`, `-latest`). Each step is kept as a
 * candidate so a price registered for an exact dated name is found first.
 *
 * @example
 * normalizeModelName("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
 * // → { base: "claude-sonnet-4-5", provider: "amazon_bedrock",
 * //     candidates: ["us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-sonnet-4-5-20250929",
 * //                  "claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"] }
 */
export function normalizeModelName(raw: string): NormalizedModelName {
  const cached = cache.get(raw);
  if (cached) return cached;
  const result = compute(raw);
  // Names come from untrusted runs: a bounded cache keeps a flood of unique names from growing memory.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(raw, result);
  return result;
}

function compute(raw: string): NormalizedModelName {
  let name = raw.trim().toLowerCase();
  let provider: string | undefined;
  if (name.startsWith("arn:")) name = name.slice(name.lastIndexOf("/") + 1);
  for (const prefix of PREFIXES) {
    if (prefix.pattern.test(name)) {
      name = name.replace(prefix.pattern, "");
      provider = prefix.provider;
      break;
    }
  }
  // Organisation prefixes (`openai/gpt-4o`, `meta-llama/Llama-3.3-70B…`) name the maker, not the host.
  if (name.includes("/")) name = name.slice(name.lastIndexOf("/") + 1);
  const candidates: string[] = [name];
  const bedrock = BEDROCK_ID.exec(name);
  if (bedrock?.[1]) {
    provider = "amazon_bedrock";
    // The id without its version first (`us.anthropic.claude-…-20250929`): prices are listed by it.
    const fullUnversioned = strip(name, BEDROCK_VERSION);
    if (fullUnversioned) candidates.push(fullUnversioned);
    name = bedrock[1];
    candidates.push(name);
    const unversioned = strip(name, BEDROCK_VERSION);
    if (unversioned) candidates.push((name = unversioned));
  }
  for (let stripped = stripOnce(name); stripped; stripped = stripOnce(name)) {
    candidates.push((name = stripped));
  }
  // `claude-sonnet-4.5` (OpenRouter style) and `claude-sonnet-4-5` (Anthropic's id) are the same model.
  for (const candidate of [...candidates]) {
    const hyphenated = candidate.replace(/(\d)\.(\d)/g, "$1-$2");
    if (hyphenated !== candidate && !candidates.includes(hyphenated)) candidates.push(hyphenated);
  }
  const unique = [...new Set(candidates)].filter((candidate) => candidate.length > 0);
  return provider === undefined ? { base: name, candidates: unique } : { base: name, candidates: unique, provider };
}

function stripOnce(name: string): string | undefined {
  for (const suffix of SUFFIXES) {
    const stripped = suffix(name);
    if (stripped) return stripped;
  }
  return undefined;
}

function strip(name: string, pattern: RegExp): string | undefined {
  const stripped = name.replace(pattern, "");
  return stripped !== name && stripped.length > 0 ? stripped : undefined;
}

function looksLikeDate(first: number, second: number): boolean {
  const yearMonth = first >= 23 && first <= 39 && second >= 1 && second <= 12;
  const monthDay = first >= 1 && first <= 12 && second >= 1 && second <= 31;
  return yearMonth || monthDay;
}
