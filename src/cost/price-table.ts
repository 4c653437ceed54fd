import { readFileSync } from "node:fs";
import { join } from "node:path";
import { emitWarning } from "../../callbacks/warnings.js";
import { describeIssues } from "../shared/describe-issues.js";
import { moduleDir } from "./module-dir.cjs";
import { normalizeModelName } from "./model-name.js";
import { ModelPriceSchema, PriceFileSchema, type ModelPrice, type PriceEntry } from "./price-schema.js";
import { RunledgerError } from "../../callbacks/runledger-error.js";

/**
 * Model prices indexed by normalized name. When several providers price the same model (e.g.
 * `gpt-oss-120b` on Groq and Fireworks), the caller's provider picks one; without a provider, or
 * when that provider has no entry of its own, the first entry listed wins.
 *
 * @example
 * const table = new PriceTable([{ model: "my-model", prices: { input: 1, output: 2 } }]);
 * table.lookup("my-model-2026-01-01")?.prices.output; // → 2
 */
export class PriceTable {
  private readonly byName = new Map<string, ModelPrice[]>();
  private readonly _entries: readonly ModelPrice[];

  constructor(entries: readonly ModelPrice[]) {
    this._entries = entries;
    for (const entry of entries) {
      for (const name of [entry.model, ...(entry.aliases ?? [])]) {
        // Keys go through the same normalization as lookups, minus suffix stripping, so an entry
        // written as `openai/gpt-4o` or `GPT-4o` still matches.
        const key = normalizeModelName(name).candidates[0] ?? name;
        const list = this.byName.get(key);
        if (list) list.push(entry);
        else this.byName.set(key, [entry]);
      }
    }
  }

  /** The entries, in the order given. */
  get entries(): readonly ModelPrice[] {
    return this._entries;
  }

  /** The price of `model` (any spelling `normalizeModelName` understands), or undefined. */
  lookup(model: string, provider?: string): ModelPrice | undefined {
    const name = normalizeModelName(model);
    const wanted = provider ?? name.provider;
    for (const candidate of name.candidates) {
      const entries = this.byName.get(candidate);
      if (entries?.[0]) return entries.find((entry) => entry.provider === wanted) ?? entries[0];
    }
    return undefined;
  }

  /**
   * Builds a table from untrusted price records, validating each one.
   * Throws a `RunledgerError` (`invalid_argument`) naming the first invalid record and the problem.
   */
  static from(records: readonly unknown[]): PriceTable {
    const entries = records.map((record, index) => {
      const parsed = ModelPriceSchema.safeParse(record);
      if (!parsed.success) {
        throw new RunledgerError(
          "invalid_argument",
          `invalid price at index ${index}: ${describeIssues(parsed.error.issues)}`,
        );
      }
      return parsed.data;
    });
    return new PriceTable(entries);
  }
}

let builtIn: { table: PriceTable; entries: readonly PriceEntry[] } | undefined;

/**
 * The built-in prices from `prices.json` (with the date each was checked and its sources),
 * loaded and validated on first use.
 *
 * @example
 * for (const entry of getBuiltInPrices()) console.log(entry.provider, entry.model, entry.checked);
 */
export function getBuiltInPrices(): readonly PriceEntry[] {
  return loadBuiltIn().entries;
}

/**
 * The built-in price table (empty, with a recorded warning, if `prices.json` cannot be read).
 *
 * @example
 * builtInPriceTable().lookup("gpt-4o-mini-2024-07-18")?.prices.input; // → 0.15
 */
export function builtInPriceTable(): PriceTable {
  return loadBuiltIn().table;
}

function loadBuiltIn(): { table: PriceTable; entries: readonly PriceEntry[] } {
  if (builtIn) return builtIn;
  let entries: readonly PriceEntry[] = [];
  try {
    const raw: unknown = JSON.parse(readFileSync(join(moduleDir, "prices.json"), "utf8"));
    const parsed = PriceFileSchema.safeParse(raw);
    if (parsed.success) entries = parsed.data.models;
    else emitWarning("invalid_price_table", `prices.json is invalid: ${describeIssues(parsed.error.issues)}`);
  } catch (error) {
    // Cost is an extra: a missing or broken table turns it off rather than breaking tracing.
    emitWarning("invalid_price_table", `could not load prices.json: ${String(error)}`, error);
  }
  builtIn = { table: new PriceTable(entries), entries };
  return builtIn;
}
