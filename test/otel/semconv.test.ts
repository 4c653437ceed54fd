import { afterEach, describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import type { UsageMetadata } from "../../schemas/index.js";
import { OpenTelemetryCallbackHandler, providerNameFor, semconvVersion } from "../../src/otel/index.js";
import { testTracing } from "../support/otel-setup.js";

const ENV = "OTEL_SEMCONV_STABILITY_OPT_IN";

afterEach(() => {
  delete process.env[ENV];
});

const usage: UsageMetadata = {
  input_tokens: 500,
  output_tokens: 60,
  total_tokens: 560,
  input_token_details: { cache_read: 300, cache_creation: 100, audio: 40, text: 460 },
  output_token_details: { reasoning: 20, audio: 10, text: 50 },
};

function usageSpanAttributes(): Record<string, unknown> {
  const tracing = testTracing();
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider });
  void CallbackManager.configure({ callbacks: [handler] })
    .handleChatModelStart({ name: "m" }, [[]])
    .handleLLMEnd({ generations: [[{ text: "", message: { content: "", usage_metadata: usage } }]] });
  return tracing.spans()[0]?.attributes ?? {};
}

describe("OTEL_SEMCONV_STABILITY_OPT_IN", () => {
  it("default: the released names (cache_creation), no per-modality counts", () => {
    const attributes = usageSpanAttributes();
    expect(attributes).toMatchObject({
      "gen_ai.usage.input_tokens": 500,
      "gen_ai.usage.output_tokens": 60,
      "gen_ai.usage.cache_read.input_tokens": 300,
      "gen_ai.usage.cache_creation.input_tokens": 100,
      "gen_ai.usage.reasoning.output_tokens": 20,
    });
    expect(Object.keys(attributes).filter((key) => /cache_write|\.(text|audio|image|video)\./.test(key))).toEqual([]);
  });

  it("gen_ai_latest_experimental: cache_write instead of cache_creation, plus the reported modalities", () => {
    process.env[ENV] = "http, gen_ai_latest_experimental";
    const attributes = usageSpanAttributes();
    expect(attributes).toMatchObject({
      "gen_ai.usage.cache_read.input_tokens": 300,
      "gen_ai.usage.cache_write.input_tokens": 100,
      "gen_ai.usage.reasoning.output_tokens": 20,
      "gen_ai.usage.audio.input_tokens": 40,
      "gen_ai.usage.text.input_tokens": 460,
      "gen_ai.usage.audio.output_tokens": 10,
      "gen_ai.usage.text.output_tokens": 50,
    });
    expect(attributes["gen_ai.usage.cache_creation.input_tokens"]).toBeUndefined();
    // Not reported by the provider: not invented.
    expect(attributes["gen_ai.usage.image.input_tokens"]).toBeUndefined();
  });

  it("parses the comma-separated list and ignores other categories", () => {
    expect(semconvVersion({}).latestExperimental).toBe(false);
    expect(semconvVersion({ [ENV]: "http/dup,database" }).latestExperimental).toBe(false);
    expect(semconvVersion({ [ENV]: "database, GEN_AI_LATEST_EXPERIMENTAL " }).latestExperimental).toBe(true);
  });
});

describe("providerNameFor", () => {
  it("maps LangChain's names to the spec's and keeps the ones the spec does not list", () => {
    expect(providerNameFor("amazon_bedrock")).toBe("aws.bedrock");
    expect(providerNameFor("Google_GenAI")).toBe("gcp.gemini");
    expect(providerNameFor("mistral")).toBe("mistral_ai");
    expect(providerNameFor("together")).toBe("together");
  });
});
