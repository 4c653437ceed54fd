import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

const headers = (extra: Record<string, string>) => ({
  ResponseMetadata: {
    RequestId: "r-1",
    HTTPStatusCode: 200,
    HTTPHeaders: { "content-type": "application/json", ...extra },
    RetryAttempts: 0,
  },
});

describe("Amazon Bedrock InvokeModel", () => {
  it("reads usage from the token-count headers when the body has none (any model family)", () => {
    const raw = {
      ...headers({
        "X-Amzn-Bedrock-Input-Token-Count": "120",
        "x-amzn-bedrock-output-token-count": "30",
        "x-amzn-bedrock-cache-read-input-token-count": "1000",
        "x-amzn-bedrock-cache-write-input-token-count": "50",
      }),
      body: { generation: "Llama says hi", stop_reason: "stop" },
    };
    const result = normalizeResponse(raw);
    expect(result.provider).toBe("amazon_bedrock");
    expect(result.usage_metadata).toEqual({
      input_tokens: 1170,
      output_tokens: 30,
      total_tokens: 1200,
      input_token_details: { cache_read: 1000, cache_creation: 50 },
    });
    expect(result.response_metadata).toMatchObject({
      model_provider: "bedrock",
      model_name: null,
      ResponseMetadata: { RequestId: "r-1" },
    });
  });

  it("accepts { body, headers } with the body as JSON text or bytes", () => {
    const body = {
      id: "msg_bdrk_1",
      type: "message",
      role: "assistant",
      model: "claude-3-haiku-20240307",
      content: [{ type: "text", text: "hey" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 4, output_tokens: 2 },
    };
    for (const encoded of [JSON.stringify(body), new TextEncoder().encode(JSON.stringify(body))]) {
      const result = normalizeResponse({ body: encoded, headers: {} }, { provider: "amazon_bedrock" });
      expect(result.text).toBe("hey");
      expect(result.usage_metadata).toEqual({
        input_tokens: 4,
        output_tokens: 2,
        total_tokens: 6,
        input_token_details: { cache_read: 0, cache_creation: 0 },
      });
      expect(result.response_metadata.model_name).toBe("claude-3-haiku-20240307");
    }
  });

  it("refuses a hostile header count, names it, and keeps the rest", () => {
    const raw = {
      ...headers({ "x-amzn-bedrock-input-token-count": "12; drop", "x-amzn-bedrock-output-token-count": "3" }),
      body: "not json",
    };
    const result = normalizeResponse(raw);
    expect(result.usage_metadata).toBeUndefined();
    expect(result.response_metadata.ResponseMetadata).toBeDefined();
    expect(warnings.map((w) => w.code)).toEqual(["unreadable_body", "invalid_usage"]);
    expect(warnings[1]?.message).toContain('header x-amzn-bedrock-input-token-count: "12; drop"');
  });

  it("detects an Anthropic stream coming through Bedrock from its invocation metrics", () => {
    const result = accumulate([
      {
        type: "message_start",
        message: {
          id: "msg_01x",
          type: "message",
          role: "assistant",
          model: "claude-3-5-haiku-20241022",
          content: [],
          usage: { input_tokens: 9, output_tokens: 1 },
        },
      },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Yo" } },
      { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 4 } },
      {
        type: "message_stop",
        "amazon-bedrock-invocationMetrics": {
          inputTokenCount: 9,
          outputTokenCount: 4,
          invocationLatency: 100,
          firstByteLatency: 50,
        },
      },
    ]);
    expect(result.provider).toBe("amazon_bedrock");
    expect(result.response_metadata.model_provider).toBe("bedrock");
    expect(result.usage_metadata).toEqual({
      input_tokens: 9,
      output_tokens: 4,
      total_tokens: 13,
      input_token_details: { cache_read: 0, cache_creation: 0 },
    });
  });

  it("decodes the JS SDK's { chunk: { bytes } } stream items", () => {
    const item = (event: unknown) => ({ chunk: { bytes: new TextEncoder().encode(JSON.stringify(event)) } });
    const result = accumulate([
      item({
        type: "message_start",
        message: {
          id: "msg_bdrk_2",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-20250514",
          content: [],
          usage: { input_tokens: 3, cache_read_input_tokens: 100, output_tokens: 1 },
        },
      }),
      item({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Bytes" } }),
      item({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } }),
      item({
        type: "message_stop",
        "amazon-bedrock-invocationMetrics": {
          inputTokenCount: 3,
          outputTokenCount: 2,
          cacheReadInputTokenCount: 100,
          cacheWriteInputTokenCount: 0,
        },
      }),
    ]);
    expect(result.provider).toBe("amazon_bedrock");
    expect(result.text).toBe("Bytes");
    expect(result.usage_metadata).toEqual({
      input_tokens: 103,
      output_tokens: 2,
      total_tokens: 105,
      input_token_details: { cache_read: 100, cache_creation: 0 },
    });
    expect(result.response_metadata).toMatchObject({
      stop_reason: "end_turn",
      model_name: "claude-sonnet-4-20250514",
      model_provider: "bedrock",
    });
  });
});

describe("Amazon Bedrock Converse", () => {
  const converse = (usage: Record<string, unknown>) => ({
    output: { message: { role: "assistant", content: [{ text: "Answer" }] } },
    stopReason: "end_turn",
    usage,
    metrics: { latencyMs: 100 },
  });

  it("splits cache writes by TTL from cacheDetails: ephemeral keys, generic cache_creation 0", () => {
    const { usage_metadata } = normalizeResponse(
      converse({
        inputTokens: 10,
        outputTokens: 20,
        totalTokens: 1830,
        cacheReadInputTokens: 0,
        cacheWriteInputTokens: 1800,
        cacheDetails: [
          { ttl: "1h", inputTokens: 800 },
          { ttl: "5m", inputTokens: 1000 },
        ],
      }),
    );
    expect(usage_metadata).toEqual({
      input_tokens: 1810,
      output_tokens: 20,
      total_tokens: 1830,
      input_token_details: {
        cache_read: 0,
        cache_creation: 0,
        ephemeral_5m_input_tokens: 1000,
        ephemeral_1h_input_tokens: 800,
      },
    });
  });

  it("names the caller's model, since Converse responses name none", () => {
    const result = normalizeResponse(converse({ inputTokens: 1, outputTokens: 1, totalTokens: 2 }), {
      model: "us.anthropic.claude-sonnet-4-20250514-v1:0",
    });
    expect(result.response_metadata).toMatchObject({
      model_name: "us.anthropic.claude-sonnet-4-20250514-v1:0",
      model_provider: "bedrock_converse",
      metrics: { latencyMs: 100 },
    });
  });

  it("merges toolUse input pieces of a ConverseStream by content block index", () => {
    const result = accumulate([
      { messageStart: { role: "assistant" } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "Let me check." } } },
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: "tooluse_1", name: "weather" } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: ' "Lima"}' } } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { messageStop: { stopReason: "tool_use" } },
      { metadata: { usage: { inputTokens: 30, outputTokens: 12, totalTokens: 42 }, metrics: { latencyMs: 300 } } },
    ]);
    expect(result.provider).toBe("amazon_bedrock");
    expect(result.text).toBe("Let me check.");
    expect(result.tool_calls).toEqual([
      { id: "tooluse_1", name: "weather", args: { city: "Lima" }, type: "tool_call" },
    ]);
    expect(result.response_metadata).toMatchObject({ stopReason: "tool_use", metrics: { latencyMs: 300 } });
    expect(result.usage_metadata?.total_tokens).toBe(42);
  });
});
