import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate } from "./helpers.js";

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
    expect(result.response_metadata).toMatchObject({ model_provider: "openai", finish_reason: "eos", logprobs: null, system_fingerprint: "" });
    expect(result.usage_metadata).toEqual({ input_tokens: 20, output_tokens: 208, total_tokens: 228, input_token_details: {}, output_token_details: {} });
  });

  it("recognizes a stream by the token_id in its deltas", () => {
    const chunk = (content: string, extra: Record<string, unknown> = {}) => ({
      id: "x-SJC",
      object: "chat.completion.chunk",
      model: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
      choices: [{ index: 0, text: content, delta: { token_id: 1, role: "assistant", content }, finish_reason: null }],
      ...extra,
    });
    const result = accumulate([chunk("A"), chunk("B", { usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 } })]);
    expect(result.provider).toBe("together");
    expect(result.text).toBe("AB");
    expect(result.usage_metadata?.total_tokens).toBe(4);
  });
});
