import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OUTPUT, renderPriceModule, sourceVersion } from "../../scripts/update-prices.js";
import { getPriceSource } from "../../src/cost/index.js";

// The built-in table is generated, never edited: the committed module must be exactly what the
// generator makes from the pinned source package (run `npm run prices:update` after bumping it).
describe("src/cost/generated-prices.ts", () => {
  const committed = readFileSync(OUTPUT, "utf8");

  it("was generated from the pinned source version", () => {
    expect(getPriceSource()).toMatchObject({ name: "@pydantic/genai-prices", version: sourceVersion() });
    expect(committed).toMatch(/^\/\/ GENERATED .* DO NOT EDIT/);
  });

  it("matches what the generator makes from the installed source, byte for byte", () => {
    expect(committed === renderPriceModule(getPriceSource().generated)).toBe(true);
  });
});
