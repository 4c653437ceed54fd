// Cases ported from the usage tests of langchain-openai and langchain-anthropic (langchain-ai/langchain
// libs/partners/openai/tests/unit_tests/chat_models/test_base.py, libs/partners/anthropic/tests/
// unit_tests/test_chat_models.py): the recorded payloads and expected usage of ../shared/fixtures
// (each fixture names its test). For OpenAI Chat Completions the real @langchain/openai ChatOpenAI,
// answered by a loopback server with the same payload, is the oracle too.
import { ChatOpenAI } from "@langchain/openai";
import { describe, expect, it } from "vitest";
import { UsageMetadataCallbackHandler } from "../../callbacks/index.js";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings, withoutEmptyDetails } from "../support/providers-helpers.js";
import { fixtureRaw, fixtureUsage, jsonReply, useLoopbackServer } from "../support/loopback-server.js";

const warnings = captureWarnings();
const loopback = useLoopbackServer();

const FIXTURES = [
  ["openai", "chat_completions_plain", "openai"],
  ["openai", "chat_completions_cached_reasoning", "openai"],
  ["openai", "chat_completions_cache_write_tokens", "openai"],
  ["openai", "chat_completions_stream_include_usage", "openai"],
  ["openai", "responses_plain", "openai"],
  ["openai", "responses_stream", "openai"],
  ["anthropic", "messages_plain", "anthropic"],
  ["anthropic", "messages_cache_creation_read", "anthropic"],
  ["anthropic", "messages_stream", "anthropic"],
] as const;

function usageOf(folder: string, name: string, provider: "openai" | "anthropic") {
  const raw = fixtureRaw(folder, name);
  const usage = Array.isArray(raw)
    ? accumulate(raw, { provider }).usage_metadata
    : normalizeResponse(raw, { provider }).usage_metadata;
  return withoutEmptyDetails(usage);
}

describe("langchain libs/partners/{openai,anthropic} unit tests: usage_metadata of recorded payloads", () => {
  it.each(FIXTURES)("%s %s: the usage LangChain's test expects", (folder, name, provider) => {
    expect(usageOf(folder, name, provider)).toEqual(withoutEmptyDetails(fixtureUsage(folder, name) as never));
  });
});

/** JSON-equal usage without empty detail maps (LangChain.js writes `audio: undefined` and `{}`). */
function asJson(usage: unknown) {
  const parsed = JSON.parse(JSON.stringify(usage ?? null)) as never;
  return withoutEmptyDetails(parsed);
}

/** A real ChatOpenAI call answered with the fixture's payload; its message and the handler's usage. */
async function chatOpenAI(name: string) {
  const raw = fixtureRaw("openai", name) as { model: string };
  loopback().reply(jsonReply(raw));
  const model = new ChatOpenAI({
    model: raw.model,
    apiKey: "test-key",
    maxRetries: 0,
    configuration: { baseURL: loopback().url() },
  });
  const handler = new UsageMetadataCallbackHandler();
  const message = await model.invoke("Hello", { callbacks: [handler] });
  return { message, counted: Object.values(handler.usageMetadata)[0] };
}

describe("@langchain/openai ChatOpenAI (the oracle) on the same Chat Completions payloads", () => {
  it.each(["chat_completions_plain", "chat_completions_cached_reasoning"])(
    "%s: runledger's usage equals ChatOpenAI's, also as counted by the usage handler",
    async (name) => {
      const { message, counted } = await chatOpenAI(name);
      const ours = usageOf("openai", name, "openai");
      expect(ours).toEqual(asJson(message.usage_metadata));
      expect(asJson(counted)).toEqual(ours);
    },
  );

  it("chat_completions_cache_write_tokens: cache writes reported as cache_creation, as langchain-openai (Python) does; @langchain/openai 1.4 leaves them out", async () => {
    const { message } = await chatOpenAI("chat_completions_cache_write_tokens");
    const ours = usageOf("openai", "chat_completions_cache_write_tokens", "openai");
    expect(ours?.input_token_details?.cache_creation).toBe(4864);
    expect(message.usage_metadata?.input_token_details?.cache_creation).toBeUndefined();
    const { cache_creation: _written, ...rest } = ours?.input_token_details ?? {};
    expect(asJson({ ...ours, input_token_details: rest })).toEqual(asJson(message.usage_metadata));
  });
});

describe("langchain-anthropic: null and missing counts (runledger's decision)", () => {
  const base = { id: "msg_1", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [] };
  it("null cache counts read as absent, as LangChain reads them", () => {
    const usage = normalizeResponse(
      {
        ...base,
        usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: null, cache_read_input_tokens: null },
      },
      { provider: "anthropic" },
    ).usage_metadata;
    expect(withoutEmptyDetails(usage)).toEqual({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
  });
  it("a null or missing count on one side reads as 0, as LangChain reads it", () => {
    const usage = normalizeResponse(
      { ...base, usage: { input_tokens: null, output_tokens: 5 } },
      { provider: "anthropic" },
    );
    expect(withoutEmptyDetails(usage.usage_metadata)).toEqual({ input_tokens: 0, output_tokens: 5, total_tokens: 5 });
  });
  it("no count at all: no usage_metadata and a missing_usage warning (LangChain writes all zeros)", () => {
    expect(normalizeResponse({ ...base, usage: {} }, { provider: "anthropic" }).usage_metadata).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(["missing_usage"]);
  });
});

describe("older LangChain.js llmOutput.tokenUsage", () => {
  it("is keyed by the generation's response_metadata.model_name when llmOutput names no model", () => {
    const handler = new UsageMetadataCallbackHandler();
    handler.handleLLMEnd(
      {
        generations: [
          [{ text: "hi", message: { content: "hi", response_metadata: { model_name: "gpt-4o-mini-2024-07-18" } } }],
        ],
        llmOutput: { tokenUsage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 } },
      },
      "run-1",
    );
    expect(handler.usageMetadata).toEqual({
      "gpt-4o-mini-2024-07-18": { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    });
  });
});
