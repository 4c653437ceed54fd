import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

function response(
  parts: unknown[],
  usageMetadata: Record<string, unknown> | undefined,
  extra: Record<string, unknown> = {},
) {
  return {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    ...(usageMetadata === undefined ? {} : { usageMetadata }),
    modelVersion: "gemini-2.5-pro",
    ...extra,
  };
}

describe("Gemini API and Vertex AI", () => {
  it("adds tool-use prompt tokens to the input and thoughts to the output", () => {
    const { usage_metadata } = normalizeResponse(
      response([{ text: "Done." }], {
        promptTokenCount: 100,
        toolUsePromptTokenCount: 40,
        candidatesTokenCount: 10,
        thoughtsTokenCount: 25,
        totalTokenCount: 175,
      }),
      { provider: "google_genai" },
    );
    expect(usage_metadata).toEqual({
      input_tokens: 140,
      output_tokens: 35,
      total_tokens: 175,
      input_token_details: { cache_read: 0 },
      output_token_details: { reasoning: 25 },
    });
  });

  it("reads the snake_case dicts of the Python SDKs as well", () => {
    const raw = {
      candidates: [{ content: { parts: [{ text: "x" }] }, finish_reason: "STOP" }],
      usage_metadata: {
        prompt_token_count: 7,
        candidates_token_count: 3,
        thoughts_token_count: 5,
        cached_content_token_count: 2,
        total_token_count: 15,
      },
      model_version: "gemini-2.5-flash",
    };
    const result = normalizeResponse(raw);
    expect(result.provider).toBe("google_genai");
    expect(result.response_metadata.model_name).toBe("gemini-2.5-flash");
    expect(result.usage_metadata).toEqual({
      input_tokens: 7,
      output_tokens: 8,
      total_tokens: 15,
      input_token_details: { cache_read: 2 },
      output_token_details: { reasoning: 5 },
    });
  });

  it("turns functionCall parts into tool calls and leaves thought summaries out of the text", () => {
    const result = normalizeResponse(
      response(
        [
          { text: "Planning the call", thought: true },
          { text: "Calling the tool." },
          { functionCall: { name: "get_weather", args: { city: "Rome" } } },
        ],
        { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 },
      ),
    );
    expect(result.text).toBe("Calling the tool.");
    expect(result.tool_calls).toEqual([{ name: "get_weather", args: { city: "Rome" }, type: "tool_call" }]);
  });

  it("recognizes Vertex AI by createTime and reports its usage_metadata and is_blocked", () => {
    const result = normalizeResponse(
      response(
        [{ text: "ok" }],
        { promptTokenCount: 2, candidatesTokenCount: 1, totalTokenCount: 3, trafficType: "ON_DEMAND" },
        {
          createTime: "2025-07-11T18:22:04Z",
          candidates: [
            {
              content: { parts: [{ text: "ok" }] },
              finishReason: "STOP",
              safetyRatings: [{ category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE", blocked: false }],
            },
          ],
        },
      ),
    );
    expect(result.provider).toBe("google_vertexai");
    expect(result.response_metadata).toMatchObject({
      model_provider: "google_vertexai",
      is_blocked: false,
      finish_reason: "STOP",
      safety_ratings: [expect.objectContaining({ blocked: false })],
      usage_metadata: expect.objectContaining({ trafficType: "ON_DEMAND" }),
    });
  });

  it("takes the last cumulative usage of a Vertex stream, even when the last chunk has none", () => {
    const chunk = (text: string, usageMetadata?: Record<string, unknown>) => ({
      candidates: [{ content: { role: "model", parts: [{ text }] } }],
      ...(usageMetadata === undefined ? {} : { usageMetadata }),
      modelVersion: "gemini-2.5-flash-001",
    });
    const result = accumulate(
      [
        chunk("A", { promptTokenCount: 30, candidatesTokenCount: 1, totalTokenCount: 31 }),
        chunk("B", { promptTokenCount: 30, candidatesTokenCount: 2, thoughtsTokenCount: 12, totalTokenCount: 44 }),
        chunk("C", { promptTokenCount: 30, candidatesTokenCount: 3, thoughtsTokenCount: 12, totalTokenCount: 45 }),
        {
          candidates: [{ content: { role: "model", parts: [{ text: "" }] }, finishReason: "STOP" }],
          usageMetadata: {},
        },
      ],
      { provider: "google_vertexai" },
    );
    expect(result.text).toBe("ABC");
    expect(result.usage_metadata).toEqual({
      input_tokens: 30,
      output_tokens: 15,
      total_tokens: 45,
      input_token_details: { cache_read: 0 },
      output_token_details: { reasoning: 12 },
    });
    expect(result.response_metadata).toMatchObject({
      finish_reason: "STOP",
      model_name: "gemini-2.5-flash-001",
      model_provider: "google_vertexai",
    });
  });

  it("handles a blocked prompt: no candidates, prompt feedback kept, usage from the prompt", () => {
    const result = normalizeResponse({
      promptFeedback: { blockReason: "SAFETY" },
      usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
      modelVersion: "gemini-2.5-flash",
    });
    expect(result.text).toBe("");
    expect(result.response_metadata.prompt_feedback).toEqual({ blockReason: "SAFETY" });
    expect(result.usage_metadata).toEqual({
      input_tokens: 9,
      output_tokens: 0,
      total_tokens: 9,
      input_token_details: { cache_read: 0 },
    });
  });

  it("warns when no chunk carries usageMetadata", () => {
    const result = accumulate([
      { candidates: [{ content: { parts: [{ text: "hi" }] } }], modelVersion: "gemini-2.0-flash" },
    ]);
    expect(result.usage_metadata).toBeUndefined();
    expect(result.text).toBe("hi");
    expect(warnings.map((w) => w.code)).toEqual(["missing_usage"]);
  });
});
