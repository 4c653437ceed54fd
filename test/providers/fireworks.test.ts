import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

describe("Fireworks", () => {
  it("is recognized by its accounts/…/models/ model ids", () => {
    const result = normalizeResponse({
      id: "fw-1",
      object: "chat.completion",
      model: "accounts/fireworks/models/llama-v3p1-70b-instruct",
      choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "length" }],
      usage: { prompt_tokens: 19, completion_tokens: 200, total_tokens: 219 },
    });
    expect(result.provider).toBe("fireworks");
    expect(result.response_metadata).toMatchObject({
      model_provider: "fireworks",
      system_fingerprint: "",
      finish_reason: "length",
    });
  });

  it("counts usage once when the finish chunk and the usage-only chunk both carry it", () => {
    const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
    const result = accumulate(
      [
        { choices: [{ index: 0, delta: { role: "assistant", content: "Hel" } }] },
        { choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }], usage },
        { choices: [], usage },
      ],
      { provider: "fireworks", model: "accounts/fireworks/models/test-model" },
    );
    expect(result.text).toBe("Hello");
    expect(result.usage_metadata).toEqual({ input_tokens: 5, output_tokens: 2, total_tokens: 7 });
    // Fireworks chunks name no model: the caller's model stands in.
    expect(result.response_metadata.model_name).toBe("accounts/fireworks/models/test-model");
  });

  it("leaves out empty detail maps but keeps cached tokens when Fireworks reports them", () => {
    const result = normalizeResponse(
      {
        id: "fw-2",
        object: "chat.completion",
        model: "accounts/fireworks/models/deepseek-v3",
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage: {
          prompt_tokens: 900,
          completion_tokens: 10,
          total_tokens: 910,
          prompt_tokens_details: { cached_tokens: 768 },
        },
      },
      { provider: "fireworks" },
    );
    expect(result.usage_metadata).toEqual({
      input_tokens: 900,
      output_tokens: 10,
      total_tokens: 910,
      input_token_details: { cache_read: 768 },
    });
  });

  it("warns when a stream was sent without usage, and keeps its text and finish reason", () => {
    const result = accumulate(
      [
        { choices: [{ index: 0, delta: { role: "assistant", content: "Hi" } }] },
        { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
      ],
      { provider: "fireworks" },
    );
    expect(result).toMatchObject({
      text: "Hi",
      response_metadata: { finish_reason: "stop", model_provider: "fireworks" },
    });
    expect(result.usage_metadata).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(["missing_usage"]);
  });
});
