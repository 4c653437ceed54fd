import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

describe("Cohere v2", () => {
  it("reads a stream's usage from message-end billed_units and merges tool calls by index", () => {
    const result = accumulate(
      [
        { type: "message-start", id: "c-1", delta: { message: { role: "assistant" } } },
        { type: "tool-plan-delta", delta: { message: { tool_plan: "I will search." } } },
        {
          type: "tool-call-start",
          index: 0,
          delta: {
            message: { tool_calls: { id: "s_1", type: "function", function: { name: "search", arguments: "" } } },
          },
        },
        {
          type: "tool-call-delta",
          index: 0,
          delta: { message: { tool_calls: { function: { arguments: '{"q": ' } } } },
        },
        {
          type: "tool-call-delta",
          index: 0,
          delta: { message: { tool_calls: { function: { arguments: '"llm"}' } } } },
        },
        { type: "tool-call-end", index: 0 },
        { type: "content-start", index: 0, delta: { message: { content: { type: "text", text: "" } } } },
        { type: "content-delta", index: 0, delta: { message: { content: { text: "Searching" } } } },
        { type: "content-delta", index: 0, delta: { message: { content: { text: " now" } } } },
        { type: "content-end", index: 0 },
        {
          type: "message-end",
          delta: {
            finish_reason: "TOOL_CALL",
            usage: {
              billed_units: { input_tokens: 30, output_tokens: 12 },
              tokens: { input_tokens: 250, output_tokens: 40 },
            },
          },
        },
      ],
      { model: "command-a-03-2025" },
    );
    expect(result.provider).toBe("cohere");
    expect(result.text).toBe("Searching now");
    expect(result.tool_calls).toEqual([{ id: "s_1", name: "search", args: { q: "llm" }, type: "tool_call" }]);
    expect(result.usage_metadata).toEqual({ input_tokens: 30, output_tokens: 12, total_tokens: 42 });
    expect(result.response_metadata).toMatchObject({
      id: "c-1",
      finish_reason: "TOOL_CALL",
      model_name: "command-a-03-2025",
      model_provider: "cohere",
    });
  });

  it("falls back to billed_units when a response has no tokens, and reads its tool calls", () => {
    const result = normalizeResponse({
      id: "c-2",
      finish_reason: "TOOL_CALL",
      message: {
        role: "assistant",
        tool_plan: "plan",
        tool_calls: [{ id: "t1", type: "function", function: { name: "lookup", arguments: '{"id": 7}' } }],
      },
      usage: { billed_units: { input_tokens: 10, output_tokens: 4 } },
    });
    expect(result.tool_calls).toEqual([{ id: "t1", name: "lookup", args: { id: 7 }, type: "tool_call" }]);
    expect(result.usage_metadata).toEqual({ input_tokens: 10, output_tokens: 4, total_tokens: 14 });
    expect(result.response_metadata.model_name).toBeNull();
  });

  it("warns when the stream has no message-end", () => {
    const result = accumulate([{ type: "content-delta", index: 0, delta: { message: { content: { text: "x" } } } }]);
    expect(result.text).toBe("x");
    expect(result.usage_metadata).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(["missing_usage"]);
  });
});
