import { describe, expect, it } from "vitest";
import { normalizeResponse, type NormalizedResponse, type ProviderName } from "../../src/providers/index.js";
import {
  accumulate,
  captureWarnings,
  loadFixtures,
  withoutEmptyDetails,
  type Fixture,
} from "../support/providers-helpers.js";

const fixtures = loadFixtures();

function run(fixture: Fixture, provider: ProviderName | undefined): NormalizedResponse {
  const options = provider === undefined ? {} : { provider };
  return fixture.streaming ? accumulate(fixture.raw as unknown[], options) : normalizeResponse(fixture.raw, options);
}

const expectedUsage = (f: Fixture) =>
  withoutEmptyDetails(f.better_expected_usage !== undefined ? f.better_expected_usage : f.expected_usage);
const hasBetterModel = (f: Fixture) => f.better_expected_model_name !== undefined;
const expectedModel = (f: Fixture) => (hasBetterModel(f) ? f.better_expected_model_name : f.expected_model_name);

/**
 * The expected metadata, with LangChain's configured model name (which the payload cannot know)
 * replaced by the better expected one wherever it appears (model_name, Mistral's `model`, …).
 */
function expectedMetadata(f: Fixture): Record<string, unknown> {
  const expected = f.expected_response_metadata ?? f.expected_response_metadata_subset ?? {};
  if (!hasBetterModel(f)) return expected;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expected))
    out[key] = value === f.expected_model_name ? expectedModel(f) : value;
  return out;
}

describe("provider fixtures", () => {
  const warnings = captureWarnings();

  it("finds fixtures in the shared folder", () => {
    expect(fixtures.length).toBeGreaterThan(20);
  });

  describe.each(fixtures.map((f) => [f.file, f] as const))("%s", (_name, fixture) => {
    it("normalizes usage, model name, finish reason and response_metadata as expected", () => {
      const result = run(fixture, fixture.provider);
      expect(result.provider).toBe(fixture.provider);
      expect(withoutEmptyDetails(result.usage_metadata)).toEqual(expectedUsage(fixture));
      expect(result.response_metadata.model_name).toBe(expectedModel(fixture));
      if (fixture.finish_reason_key !== null) {
        expect(result.response_metadata[fixture.finish_reason_key]).toEqual(fixture.expected_finish_reason);
      }
      if (fixture.expected_response_metadata !== undefined) {
        expect(result.response_metadata).toEqual(expectedMetadata(fixture));
      } else {
        expect(result.response_metadata).toMatchObject(expectedMetadata(fixture));
      }
      expect(result.text.length).toBeGreaterThan(0);
      expect(warnings).toEqual([]);
    });

    it("is recognized without being told the provider, with the same usage", () => {
      const result = run(fixture, undefined);
      // Payloads without a provider's marks fall back to the shape's owner: an unmarked
      // Chat Completions payload reads as OpenAI, an unmarked Gemini one as the Gemini API.
      const fallback: Partial<Record<ProviderName, ProviderName>> = {
        fireworks: "openai",
        google_vertexai: "google_genai",
      };
      expect([fixture.provider, fallback[fixture.provider]]).toContain(result.provider);
      expect(withoutEmptyDetails(result.usage_metadata)).toEqual(expectedUsage(fixture));
    });
  });
});
