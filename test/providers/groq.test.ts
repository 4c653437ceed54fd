import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

const base = {
  id: "chatcmpl-g",
  object: "chat.completion.chunk",
  created: 1,
  model: "llama-3.3-70b-versatile",
  system_fingerprint: "fp_1",
};
const groqUsage = {
  queue_time: 0.01,
  prompt_tokens: 40,
  prompt_time: 0.01,
  completion_tokens: 6,
  completion_time: 0.02,
  total_tokens: 46,
  total_time: 0.03,
};

describe("Groq", () => {
  it("counts usage once when it arrives in x_groq.usage and again in a final usage chunk", () => {
    const result = accumulate([
      {
        ...base,
        choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
        x_groq: { id: "req_1" },
      },
      { ...base, choices: [{ index: 0, delta: { content: "Howdy" }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], x_groq: { id: "req_1", usage: groqUsage } },
      { ...base, choices: [], usage: groqUsage },
    ]);
    expect(result.provider).toBe("groq");
    expect(result.text).toBe("Howdy");
    expect(result.usage_metadata).toEqual({ input_tokens: 40, output_tokens: 6, total_tokens: 46 });
    expect(result.response_metadata).toMatchObject({
      model_provider: "groq",
      service_tier: "on_demand",
      finish_reason: "stop",
      system_fingerprint: "fp_1",
    });
  });

  it("keeps zero-valued details as sent, and leaves out detail maps with nothing in them", () => {
    const raw = {
      ...base,
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "x" }, finish_reason: "stop" }],
      usage: { ...groqUsage, prompt_tokens_details: { cached_tokens: 0 } },
      x_groq: { id: "req_2" },
    };
    expect(normalizeResponse(raw).usage_metadata).toEqual({
      input_tokens: 40,
      output_tokens: 6,
      total_tokens: 46,
      input_token_details: { cache_read: 0 },
    });
  });

  it("reads Groq's Responses API payloads with the same rule", () => {
    const raw = {
      id: "resp_g",
      object: "response",
      status: "completed",
      model: "openai/gpt-oss-120b",
      output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "hi" }] }],
      usage: {
        input_tokens: 80,
        input_tokens_details: { cached_tokens: 64 },
        output_tokens: 30,
        output_tokens_details: { reasoning_tokens: 20 },
        total_tokens: 110,
      },
    };
    const result = normalizeResponse(raw, { provider: "groq" });
    expect(result.provider).toBe("groq");
    expect(result.response_metadata.model_provider).toBe("groq");
    expect(result.usage_metadata).toEqual({
      input_tokens: 80,
      output_tokens: 30,
      total_tokens: 110,
      input_token_details: { cache_read: 64 },
      output_token_details: { reasoning: 20 },
    });
    expect(warnings).toEqual([]);
  });
});
