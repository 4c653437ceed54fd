import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

describe("Ollama", () => {
  it("has no usage without both counts (a cached prompt omits prompt_eval_count), and keeps the rest", () => {
    const result = normalizeResponse({
      model: "llama3.2",
      created_at: "2025-01-01T00:00:00Z",
      message: { role: "assistant", content: "Hi" },
      done: true,
      done_reason: "stop",
      eval_count: 5,
    });
    expect(result.provider).toBe("ollama");
    expect(result.usage_metadata).toBeUndefined();
    expect(result.text).toBe("Hi");
    expect(result.response_metadata).toMatchObject({ done_reason: "stop", eval_count: 5, model_name: "llama3.2" });
    expect(warnings).toEqual([
      expect.objectContaining({ code: "missing_usage", message: expect.stringContaining("prompt_eval_count") }),
    ]);
  });

  it("reads tool calls whose arguments are already objects", () => {
    const result = normalizeResponse({
      model: "qwen3",
      message: {
        role: "assistant",
        content: "",
        tool_calls: [{ function: { name: "get_time", arguments: { tz: "CET" } } }],
      },
      done: true,
      done_reason: "stop",
      prompt_eval_count: 20,
      eval_count: 8,
    });
    expect(result.tool_calls).toEqual([{ name: "get_time", args: { tz: "CET" }, type: "tool_call" }]);
    expect(result.usage_metadata).toEqual({ input_tokens: 20, output_tokens: 8, total_tokens: 28 });
  });

  it("reads /api/generate objects and warns when a stream ends before done: true", () => {
    const result = accumulate([
      { model: "llama3", created_at: "t", response: "Once", done: false },
      { model: "llama3", created_at: "t", response: " upon", done: false },
    ]);
    expect(result.text).toBe("Once upon");
    expect(result.usage_metadata).toBeUndefined();
    expect(result.response_metadata.model_name).toBe("llama3");
    expect(warnings.map((w) => w.code)).toEqual(["missing_usage"]);
  });
});
