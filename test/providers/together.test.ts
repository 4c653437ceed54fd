import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

describe("Together", () => {
  it("is recognized by the prompt echo and reports langchain-openai's model_provider", () => {
    const result = normalizeResponse({
      id: "8f3a-SJC",
      object: "chat.completion",
      model: "mistralai/Mixtral-8x7B-Instruct-v0.1",
      prompt: [],
      choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "eos", logprobs: null }],
      usage: { prompt_tokens: 20, completion_tokens: 208, total_tokens: 228 },
    });
    expect(result.provider).toBe("together");
    expect(result.response_metadata).toMatchObject({
      model_provider: "openai",
      finish_reason: "eos",
      logprobs: null,
      system_fingerprint: "",
    });
    expect(result.usage_metadata).toEqual({
      input_tokens: 20,
      output_tokens: 208,
      total_tokens: 228,
      input_token_details: {},
      output_token_details: {},
    });
  });

  it("recognizes a stream by the token_id in its deltas", () => {
    const chunk = (content: string, extra: Record<string, unknown> = {}) => ({
      id: "x-SJC",
      object: "chat.completion.chunk",
      model: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
      choices: [{ index: 0, text: content, delta: { token_id: 1, role: "assistant", content }, finish_reason: null }],
      ...extra,
    });
    const result = accumulate([
      chunk("A"),
      chunk("B", { usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 } }),
    ]);
    expect(result.provider).toBe("together");
    expect(result.text).toBe("AB");
    expect(result.usage_metadata?.total_tokens).toBe(4);
  });

  it("merges streamed tool calls by index, reporting provider together with langchain-openai's metadata", () => {
    const base = { id: "t-SJC", object: "chat.completion.chunk", model: "Qwen/Qwen2.5-72B-Instruct-Turbo" };
    const result = accumulate(
      [
        {
          ...base,
          choices: [
            {
              index: 0,
              delta: {
                tool_calls: [{ index: 0, id: "call_t", type: "function", function: { name: "lookup", arguments: "" } }],
              },
            },
          ],
        },
        {
          ...base,
          choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"sku": ' } }] } }],
        },
        {
          ...base,
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: "42}" } }] },
              finish_reason: "tool_calls",
            },
          ],
        },
      ],
      { provider: "together" },
    );
    expect(result.provider).toBe("together");
    expect(result.tool_calls).toEqual([{ id: "call_t", name: "lookup", args: { sku: 42 }, type: "tool_call" }]);
    expect(result.response_metadata).toMatchObject({ model_provider: "openai", finish_reason: "tool_calls" });
    // No usage was streamed: the warning does not suggest OpenAI's stream_options.
    expect(warnings).toEqual([
      expect.objectContaining({ code: "missing_usage", message: expect.not.stringContaining("include_usage") }),
    ]);
  });
});
