import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  normalizeResponse,
  ProviderPayloadError,
  StreamAccumulator,
  type ProviderName,
} from "../../src/providers/index.js";
import { PROVIDER_NAMES } from "../../src/providers/index.js";
import { accumulate, captureWarnings, clone, loadFixtures } from "../support/providers-helpers.js";

const warnings = captureWarnings();

function chat(usage: Record<string, unknown>) {
  return {
    id: "chatcmpl-m",
    object: "chat.completion",
    model: "gpt-4o-mini",
    choices: [{ index: 0, message: { role: "assistant", content: "Still here" }, finish_reason: "stop" }],
    usage,
    brand_new_field: { tier: "x" },
  };
}

describe("bad token counts", () => {
  it.each([
    ["negative", -5, "usage.prompt_tokens: -5 is not a non-negative integer"],
    ["NaN", Number.NaN, "usage.prompt_tokens: NaN is not a non-negative integer"],
    ["a string", "12", 'usage.prompt_tokens: "12" is not a non-negative integer'],
    ["a fraction", 1.5, "usage.prompt_tokens: 1.5 is not a non-negative integer"],
  ])(
    "refuses a %s count with a warning naming field and value, and keeps text and metadata",
    (_label, bad, message) => {
      const result = normalizeResponse(chat({ prompt_tokens: bad, completion_tokens: 2, total_tokens: 7 }));
      expect(result.usage_metadata).toBeUndefined();
      expect(result.text).toBe("Still here");
      expect(result.response_metadata).toMatchObject({
        finish_reason: "stop",
        model_name: "gpt-4o-mini",
        brand_new_field: { tier: "x" },
      });
      expect(warnings).toEqual([
        expect.objectContaining({ code: "invalid_usage", message: expect.stringContaining(message) }),
      ]);
    },
  );

  it("refuses the whole usage when only a detail count is bad (a partial usage would be wrong)", () => {
    const result = normalizeResponse(
      chat({ prompt_tokens: 5, completion_tokens: 2, prompt_tokens_details: { cached_tokens: -1 } }),
    );
    expect(result.usage_metadata).toBeUndefined();
    expect(warnings[0]?.message).toContain("usage.prompt_tokens_details.cached_tokens: -1");
  });

  it("refuses bad counts in streams too, at result()", () => {
    const accumulator = new StreamAccumulator({ provider: "anthropic" });
    accumulator.add({
      type: "message_start",
      message: {
        id: "m",
        type: "message",
        role: "assistant",
        model: "claude",
        content: [],
        usage: { input_tokens: "ten" },
      },
    });
    accumulator.add({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "ok" } });
    expect(warnings).toEqual([]);
    const result = accumulator.result();
    expect(result.text).toBe("ok");
    expect(result.usage_metadata).toBeUndefined();
    expect(warnings[0]?.message).toContain('usage.input_tokens: "ten"');
  });
});

describe("missing usage and unknown fields", () => {
  it("leaves usage undefined with a missing_usage warning, keeping unknown fields", () => {
    const raw = { ...chat({}), usage: undefined };
    const result = normalizeResponse(raw);
    expect(result.usage_metadata).toBeUndefined();
    expect(result.response_metadata.brand_new_field).toEqual({ tier: "x" });
    expect(warnings.map((w) => w.code)).toEqual(["missing_usage"]);
  });

  it("keeps unknown fields of stream chunks", () => {
    const result = accumulate([
      {
        object: "chat.completion.chunk",
        model: "gpt-4o",
        choices: [{ index: 0, delta: { content: "a" } }],
        region: "eu",
      },
      {
        object: "chat.completion.chunk",
        model: "gpt-4o",
        choices: [],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    ]);
    expect(result.response_metadata.region).toBe("eu");
  });
});

describe("payloads that are not provider payloads", () => {
  it.each([
    ["a string", "hello"],
    ["null", null],
    ["a number", 42],
    ["an array", [{ choices: [] }]],
  ])("rejects %s with a ProviderPayloadError naming the expected shapes", (_label, raw) => {
    expect(() => normalizeResponse(raw)).toThrow(ProviderPayloadError);
    try {
      normalizeResponse(raw);
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderPayloadError);
      const payloadError = error as ProviderPayloadError;
      expect(payloadError.message).toContain("expected a provider response object");
      expect(payloadError.message).toContain("Chat Completions");
      expect(payloadError.message).toContain("Anthropic Messages");
      expect(payloadError.expected.length).toBeGreaterThan(5);
    }
  });

  it("rejects an object of unknown shape, and names only the given provider's shapes", () => {
    expect(() => normalizeResponse({ hello: "world" })).toThrow(
      /unrecognized provider response \(an object with keys hello\).*Gemini/,
    );
    expect(() => normalizeResponse({ hello: "world" }, { provider: "cohere" })).toThrow(
      /unrecognized cohere response.*expected for cohere one of: Cohere v2 chat/,
    );
  });

  it("rejects a payload of another provider when the provider is given", () => {
    const anthropic = { type: "message", content: [], usage: { input_tokens: 1, output_tokens: 1 } };
    expect(() => normalizeResponse(anthropic, { provider: "openai" })).toThrow(ProviderPayloadError);
  });

  it("rejects unknown provider names, suggesting the right one", () => {
    expect(() => normalizeResponse({}, { provider: "bedrock" as ProviderName })).toThrow(
      /did you mean "amazon_bedrock"/,
    );
    expect(() => new StreamAccumulator({ provider: "mistral" as ProviderName })).toThrow(/did you mean "mistralai"/);
  });

  it("throws for a non-object chunk, skips unknown chunks before the first known one with one warning", () => {
    const accumulator = new StreamAccumulator();
    expect(() => accumulator.add("data: [DONE]")).toThrow(ProviderPayloadError);
    accumulator.add({ keepalive: true });
    accumulator.add({ keepalive: true });
    accumulator.add({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "hi" } });
    expect(accumulator.provider).toBe("anthropic");
    expect(accumulator.result().text).toBe("hi");
    expect(warnings.map((w) => w.code)).toEqual(["unrecognized_chunk", "missing_usage"]);
  });

  it("throws at result() when no chunk was recognizable and no provider was given", () => {
    const accumulator = new StreamAccumulator();
    accumulator.add({ keepalive: true });
    expect(() => accumulator.result()).toThrow(/no recognizable stream event among 1 chunk/);
  });

  it("gives an empty result for an empty stream of a known provider", () => {
    const result = new StreamAccumulator({ provider: "groq" }).result();
    expect(result).toMatchObject({
      provider: "groq",
      text: "",
      tool_calls: [],
      response_metadata: { model_provider: "groq", model_name: null },
    });
    expect(result.usage_metadata).toBeUndefined();
  });
});

describe("robustness", () => {
  const fixtures = loadFixtures();
  const json = fc.jsonValue({ maxDepth: 3 });

  it("never throws anything but ProviderPayloadError for arbitrary objects", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 6 }),
        fc.constantFrom(undefined, ...PROVIDER_NAMES),
        (raw, provider) => {
          try {
            normalizeResponse(raw, provider === undefined ? {} : { provider });
          } catch (error) {
            expect(error).toBeInstanceOf(ProviderPayloadError);
          }
          const accumulator = new StreamAccumulator({ provider: provider ?? "openai" });
          accumulator.add(raw);
          accumulator.result();
        },
      ),
      { numRuns: 300 },
    );
  });

  /** Replaces one value somewhere in `value` (picked by `path`) with `replacement`. */
  function corrupt(value: unknown, path: readonly number[], replacement: unknown): unknown {
    if (typeof value !== "object" || value === null || path.length === 0) return replacement;
    const keys = Object.keys(value);
    if (keys.length === 0) return replacement;
    const key = keys[(path[0] ?? 0) % keys.length] as string;
    const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
    copy[key] = corrupt(copy[key], path.slice(1), replacement);
    return copy;
  }

  it("never crashes on a fixture with any single field corrupted", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }),
        fc.oneof(json, fc.constant(Number.NaN), fc.constant(-1), fc.constant(undefined)),
        (fixture, path, replacement) => {
          const raw = corrupt(clone(fixture.raw), path, replacement);
          try {
            if (fixture.streaming && Array.isArray(raw)) {
              const accumulator = new StreamAccumulator({ provider: fixture.provider });
              for (const chunk of raw) {
                if (typeof chunk === "object" && chunk !== null && !Array.isArray(chunk)) accumulator.add(chunk);
              }
              accumulator.result();
            } else {
              normalizeResponse(raw, { provider: fixture.provider });
            }
          } catch (error) {
            expect(error).toBeInstanceOf(ProviderPayloadError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
