import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

const base = { id: "6a1f", object: "chat.completion.chunk", created: 1, model: "mistral-large-2411" };

describe("Mistral", () => {
  it("is recognized by its model family and reports the model under model too", () => {
    const result = normalizeResponse({
      id: "cmpl-1",
      object: "chat.completion",
      created: 1,
      model: "mistral-large-2411",
      choices: [{ index: 0, message: { role: "assistant", content: "Salut" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 6, completion_tokens: 2, total_tokens: 8 },
    });
    expect(result.provider).toBe("mistralai");
    expect(result.usage_metadata).toEqual({ input_tokens: 6, output_tokens: 2, total_tokens: 8 });
    expect(result.response_metadata).toMatchObject({
      model: "mistral-large-2411",
      model_name: "mistral-large-2411",
      model_provider: "mistralai",
    });
  });

  it("treats streamed tool calls that come whole and without an index as separate calls", () => {
    const call = (id: string, name: string, args: string) => ({
      ...base,
      choices: [
        { index: 0, delta: { tool_calls: [{ id, function: { name, arguments: args } }] }, finish_reason: null },
      ],
    });
    const result = accumulate([call("a1", "add", '{"x": 1}'), call("b2", "mul", '{"y": 2}')], {
      provider: "mistralai",
    });
    expect(result.tool_calls).toEqual([
      { id: "a1", name: "add", args: { x: 1 }, type: "tool_call" },
      { id: "b2", name: "mul", args: { y: 2 }, type: "tool_call" },
    ]);
  });

  it("does not lose usage that arrives in a trailing chunk without choices", () => {
    const result = accumulate(
      [
        { ...base, choices: [{ index: 0, delta: { content: "Oui" }, finish_reason: "stop" }] },
        { ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
      ],
      { provider: "mistralai" },
    );
    expect(result.usage_metadata).toEqual({ input_tokens: 3, output_tokens: 1, total_tokens: 4 });
    expect(warnings).toEqual([]);
  });
});
