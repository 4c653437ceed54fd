import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clearUnpricedModels, estimateCost, getUnpricedModels } from "../../src/cost/index.js";

// Every model name that appears in the shared seeds and provider fixtures must have a price, under
// the provider that served it (fixtures) or on its own (seeds).
const shared = path.resolve(import.meta.dirname, "../../../shared");
const FOLDER_PROVIDERS: Record<string, string> = { bedrock: "amazon_bedrock", mistral: "mistralai" };
const NAME_KEYS = ["expected_model_name", "better_expected_model_name"];
// Model ids as the seeds write them (bounded alternatives: linear on this text).
const SEED_NAME =
  /\b(?:gpt-[0-9a-z.-]+|o[134](?:-mini)?|claude-[0-9a-z.@-]+|gemini-[0-9a-z.-]+|mistral-[a-z0-9-]+|mixtral-[a-z0-9-]+|llama-[0-9a-z.-]+|anthropic\.[a-z0-9.:-]+|accounts\/fireworks\/models\/[a-z0-9.-]+|mistralai\/[A-Za-z0-9.-]+)/g;
// Names that name no real model: a fixture's placeholder, and Ollama's local models (no price: they
// run on the user's machine). They are reported by getUnpricedModels(), as they should be.
const NOT_A_PRICED_MODEL = new Set(["accounts/fireworks/models/test-model", "ollama:llama3"]);

function fixtureNames(): { model: string; provider: string }[] {
  const root = path.join(shared, "fixtures/providers");
  const names: { model: string; provider: string }[] = [];
  for (const folder of readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    const provider = FOLDER_PROVIDERS[folder.name] ?? folder.name;
    for (const file of readdirSync(path.join(root, folder.name))) {
      const fixture = JSON.parse(readFileSync(path.join(root, folder.name, file), "utf8")) as Record<string, unknown>;
      const raw = (Array.isArray(fixture.raw) ? fixture.raw[0] : fixture.raw) as Record<string, unknown> | undefined;
      for (const value of [...NAME_KEYS.map((key) => fixture[key]), raw?.model, raw?.modelVersion]) {
        if (typeof value === "string" && value.length > 0) names.push({ model: value, provider });
      }
    }
  }
  return names;
}

function seedNames(): string[] {
  const root = path.join(shared, "seeds");
  const text = readdirSync(root)
    .filter((file) => file.endsWith(".txt"))
    .map((file) => readFileSync(path.join(root, file), "utf8"))
    .join("\n");
  return [...new Set(text.match(SEED_NAME) ?? [])].map((name) => name.replace(/[.-]+$/, ""));
}

const usage = { input_tokens: 1000, output_tokens: 100, total_tokens: 1100 };
const cases = [
  ...new Map(fixtureNames().map((name) => [`${name.provider}:${name.model}`, name])).values(),
  ...seedNames().map((model) => ({ model, provider: undefined })),
];

afterAll(() => clearUnpricedModels());

describe("every model of the seeds and fixtures has a price", () => {
  it.each(cases.map((name) => [name.provider ? `${name.provider}:${name.model}` : name.model, name] as const))(
    "%s",
    (label, { model, provider }) => {
      const cost = estimateCost(model, usage, provider === undefined ? {} : { provider });
      if (NOT_A_PRICED_MODEL.has(label) || NOT_A_PRICED_MODEL.has(model)) {
        expect(cost).toBeUndefined();
        expect(getUnpricedModels()).toContain(model);
      } else expect(cost?.total_cost, label).toBeGreaterThan(0);
    },
  );
});
