// Generates src/cost/generated-prices.ts from the pinned @pydantic/genai-prices package (`npm run prices:update`).
// The table is data from a maintained source, never edited by hand: test/cost/generated-prices.test.ts renders
// it again from the installed package and fails when the committed module differs.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findProvider, type MatchLogic, type ModelInfo, type ModelPrice, type Provider } from "@pydantic/genai-prices";
import { normalizeModelName } from "../src/cost/model-name.js";

const require = createRequire(import.meta.url);
export const SOURCE_PACKAGE = "@pydantic/genai-prices";
export const OUTPUT = fileURLToPath(new URL("../src/cost/generated-prices.ts", import.meta.url));

// The per-token prices runledger's usage can carry (UsageMetadata has no pages, pixels, searches or requests).
const TOKEN_PRICE_KEYS = new Set([
  "input_mtok",
  "output_mtok",
  "cache_read_mtok",
  "cache_write_mtok",
  "cache_write_1h_mtok",
  "input_audio_mtok",
  "output_audio_mtok",
  "cache_audio_read_mtok",
  "output_reasoning_mtok",
]);
// Resellers list every maker's models under the maker's name: they come last when no provider is asked for.
const RESELLER = /^(openrouter|huggingface_)/;

/** The pinned source's version, read from the installed package. */
export function sourceVersion(): string {
  return (JSON.parse(readFileSync(join(packageDir(), "package.json"), "utf8")) as { version: string }).version;
}

// The package exports no ./package.json: its folder is found from its main file, dist/index.cjs.
function packageDir(): string {
  return dirname(dirname(require.resolve(SOURCE_PACKAGE)));
}

/** The provider ids of the source's bundled data (the package exports a lookup, not the list). */
function providerIds(): string[] {
  const bundle = readFileSync(join(packageDir(), "dist/index.js"), "utf8");
  const ids = [...bundle.matchAll(/^ {4}id: "([^"]+)",$/gm)].map((match) => match[1] ?? "");
  return ids.filter((id) => findProvider({ providerId: id })?.id === id);
}

type Prices = Record<string, unknown>;

function tokenPrices(prices: ModelPrice): Prices | undefined {
  const kept: Prices = {};
  for (const [key, value] of Object.entries(prices)) {
    if (value !== undefined && TOKEN_PRICE_KEYS.has(key)) kept[key] = value;
  }
  return "input_mtok" in kept || "output_mtok" in kept ? kept : undefined;
}

function modelPrices(model: ModelInfo): unknown {
  if (!Array.isArray(model.prices)) return tokenPrices(model.prices);
  const periods = model.prices.map((period) => [period.constraint ?? null, tokenPrices(period.prices) ?? {}]);
  return periods.length === 1 ? periods[0]?.[1] : periods;
}

function matchNames(match: MatchLogic, into: Set<string>): void {
  if ("or" in match) match.or.forEach((inner) => matchNames(inner, into));
  else if ("equals" in match) into.add(match.equals);
  else if ("starts_with" in match) into.add(match.starts_with);
  else if ("contains" in match) into.add(match.contains);
}

/** The key a source name is indexed under: its normalized form. */
function indexKey(raw: string): string {
  return normalizeModelName(raw.toLowerCase()).candidates[0] ?? raw.toLowerCase();
}

/**
 * A Bedrock id's model part, with and without its version (`claude-3-5-sonnet-20240620[-v1:0]`), for
 * ids with no region prefix (a `us.` or `global.` id's price is that profile's only).
 */
function bedrockKeys(raw: string): string[] {
  const lower = raw.toLowerCase();
  const name = normalizeModelName(lower);
  const model = lower.slice(lower.indexOf(".") + 1);
  if (name.provider !== "amazon_bedrock" || !name.candidates.includes(model)) return [];
  return [model, model.replace(/-v\d+(?::\d+)?$/, "")];
}

interface GeneratedProvider {
  id: string;
  fallback: string[];
  /** `hostKeys`: names that are this provider's only (a Bedrock id's model part), used when it is asked for. */
  models: [id: string, keys: string[], prices: unknown, hostKeys: string[]][];
}

function collect(): { providers: GeneratedProvider[]; home: Record<string, string> } {
  const all = providerIds()
    .map((id) => findProvider({ providerId: id }) as Provider)
    .sort((a, b) => Number(RESELLER.test(a.id)) - Number(RESELLER.test(b.id)));
  const providers: GeneratedProvider[] = [];
  const keysSeen = new Set<string>();
  for (const provider of all) {
    const models: GeneratedProvider["models"] = [];
    for (const model of provider.models) {
      const prices = modelPrices(model);
      if (prices === undefined) continue;
      const names = new Set<string>([model.id]);
      matchNames(model.match, names);
      const keys = [...new Set([...names].map(indexKey))];
      const hostKeys = [...new Set([...names].flatMap(bedrockKeys))].filter((key) => !keys.includes(key));
      keys.forEach((key) => keysSeen.add(key));
      models.push([model.id, keys, prices, hostKeys]);
    }
    providers.push({ id: provider.id, fallback: provider.fallback_model_providers ?? [], models });
  }
  // The provider the source itself picks for a bare model name (its `model_match` rules: the maker), per key.
  const home: Record<string, string> = {};
  for (const key of [...keysSeen].sort()) {
    const id = findProvider({ modelId: key })?.id;
    if (id !== undefined) home[key] = id;
  }
  return { providers, home };
}

/** The text of src/cost/generated-prices.ts for the installed source, stamped with `date` (YYYY-MM-DD). */
export function renderPriceModule(date: string): string {
  const version = sourceVersion();
  const data = JSON.stringify(collect());
  return [
    `// GENERATED by scripts/update-prices.ts from ${SOURCE_PACKAGE} ${version} on ${date}. DO NOT EDIT:`,
    "// run `npm run prices:update` (prices the source lacks go in price-overrides.ts).",
    "// A JSON string, parsed on first use: cheaper to import than the same data as object literals.",
    "",
    `/** Where the built-in prices come from. */`,
    `export const PRICE_SOURCE = { name: ${JSON.stringify(SOURCE_PACKAGE)}, version: ${JSON.stringify(version)}, generated: ${JSON.stringify(date)} } as const;`,
    "",
    "/** The source's providers and their per-token prices (USD per million tokens), as JSON. */",
    `export const PRICE_DATA = ${JSON.stringify(data)};`,
    "",
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(OUTPUT, renderPriceModule(date));
  console.log(`wrote ${OUTPUT} from ${SOURCE_PACKAGE} ${sourceVersion()}`);
}
