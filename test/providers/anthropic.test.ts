import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

function message(usage: Record<string, unknown> | undefined, content: unknown[] = [{ type: "text", text: "ok" }]) {
  return {
    id: "msg_01",
    type: "message",
    role: "assistant",
    model: "claude-opus-4-1-20250805",
    content,
    stop_reason: "end_turn",
    stop_sequence: null,
    ...(usage === undefined ? {} : { usage }),
  };
}

const start = (usage: Record<string, unknown>) => ({
  type: "message_start",
  message: { ...message(usage, []), stop_reason: null },
});
const text = (index: number, value: string) => ({
  type: "content_block_delta",
  index,
  delta: { type: "text_delta", text: value },
});
const delta = (usage: Record<string, unknown>, stop_reason = "end_turn") => ({
  type: "message_delta",
  delta: { stop_reason, stop_sequence: null },
  usage,
});

describe("Anthropic Messages", () => {
  it("uses a non-zero TTL breakdown for cache writes: ephemeral keys kept, generic cache_creation 0", () => {
    const { usage_metadata } = normalizeResponse(
      message({
        input_tokens: 20,
        cache_creation_input_tokens: 1500,
        cache_read_input_tokens: 300,
        cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 500 },
        output_tokens: 40,
      }),
    );
    expect(usage_metadata).toEqual({
      input_tokens: 1820,
      output_tokens: 40,
      total_tokens: 1860,
      input_token_details: {
        cache_read: 300,
        cache_creation: 0,
        ephemeral_5m_input_tokens: 1000,
        ephemeral_1h_input_tokens: 500,
      },
    });
  });

  it("reports thinking tokens as reasoning, a subset of the output", () => {
    const { usage_metadata } = normalizeResponse(
      message({ input_tokens: 10, output_tokens: 900, output_tokens_details: { thinking_tokens: 700 } }),
    );
    expect(usage_metadata).toEqual({
      input_tokens: 10,
      output_tokens: 900,
      total_tokens: 910,
      input_token_details: {},
      output_token_details: { reasoning: 700 },
    });
  });

  it("reads tool_use blocks as tool calls and leaves thinking out of the text", () => {
    const result = normalizeResponse(
      message({ input_tokens: 1, output_tokens: 1 }, [
        { type: "thinking", thinking: "Let me think", signature: "sig" },
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      ]),
    );
    expect(result.text).toBe("Checking.");
    expect(result.tool_calls).toEqual([
      { id: "toolu_1", name: "get_weather", args: { city: "Paris" }, type: "tool_call" },
    ]);
    expect(result.response_metadata).toMatchObject({
      id: "msg_01",
      model: "claude-opus-4-1-20250805",
      stop_reason: "end_turn",
      model_provider: "anthropic",
    });
    expect(result.response_metadata).not.toHaveProperty("content");
  });

  it("counts input once when message_delta repeats the input and cache counts", () => {
    const result = accumulate([
      start({ input_tokens: 50, cache_read_input_tokens: 200, cache_creation_input_tokens: 0, output_tokens: 1 }),
      text(0, "Hi"),
      delta({ input_tokens: 50, cache_read_input_tokens: 200, cache_creation_input_tokens: 0, output_tokens: 30 }),
      { type: "message_stop" },
    ]);
    expect(result.usage_metadata).toEqual({
      input_tokens: 250,
      output_tokens: 30,
      total_tokens: 280,
      input_token_details: { cache_read: 200, cache_creation: 0 },
    });
  });

  it("keeps message_start's input when message_delta carries only output tokens (LangChain reports 0 there)", () => {
    const result = accumulate([
      start({ input_tokens: 12, cache_creation_input_tokens: 4, cache_read_input_tokens: 0, output_tokens: 1 }),
      text(0, "a"),
      delta({ output_tokens: 7 }, "max_tokens"),
      delta({ output_tokens: 9 }, "max_tokens"),
    ]);
    expect(result.usage_metadata).toEqual({
      input_tokens: 16,
      output_tokens: 9,
      total_tokens: 25,
      input_token_details: { cache_read: 0, cache_creation: 4 },
    });
    expect(result.response_metadata.stop_reason).toBe("max_tokens");
    expect(result.response_metadata.model_name).toBe("claude-opus-4-1-20250805");
  });

  it("merges tool_use input_json_delta pieces by block index and skips thinking deltas", () => {
    const result = accumulate([
      start({ input_tokens: 5, output_tokens: 1 }),
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      text(1, "Let me look."),
      {
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "toolu_9", name: "search", input: {} },
      },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "" } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"query": "ca' } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: 'ts"}' } },
      { type: "content_block_stop", index: 2 },
      delta({ output_tokens: 22 }, "tool_use"),
    ]);
    expect(result.text).toBe("Let me look.");
    expect(result.tool_calls).toEqual([{ id: "toolu_9", name: "search", args: { query: "cats" }, type: "tool_call" }]);
    expect(result.usage_metadata?.output_tokens).toBe(22);
  });

  it("gives a tool call without argument deltas the block's own input", () => {
    const result = accumulate([
      start({ input_tokens: 1, output_tokens: 1 }),
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "t", name: "now", input: {} } },
      delta({ output_tokens: 3 }, "tool_use"),
    ]);
    expect(result.tool_calls).toEqual([{ id: "t", name: "now", args: {}, type: "tool_call" }]);
  });

  it("warns, and keeps text and metadata, when a message has no usage", () => {
    const result = normalizeResponse(message(undefined));
    expect(result.usage_metadata).toBeUndefined();
    expect(result.text).toBe("ok");
    expect(result.response_metadata.stop_reason).toBe("end_turn");
    expect(warnings).toEqual([
      expect.objectContaining({ code: "missing_usage", message: expect.stringContaining("anthropic messages") }),
    ]);
  });
});
