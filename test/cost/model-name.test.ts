import { describe, expect, it } from "vitest";
import { normalizeModelName } from "../../src/cost/index.js";

describe("normalizeModelName", () => {
  it.each([
    ["gpt-4o-mini-2024-07-18", "gpt-4o-mini", undefined],
    ["GPT-4o-Mini", "gpt-4o-mini", undefined],
    ["openai/gpt-4o-mini", "gpt-4o-mini", undefined],
    ["claude-haiku-4-5-20251001", "claude-haiku-4-5", undefined],
    ["claude-sonnet-4-5@20250929", "claude-sonnet-4-5", undefined],
    ["anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5", "amazon_bedrock"],
    ["us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5", "amazon_bedrock"],
    ["global.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5", "amazon_bedrock"],
    ["arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0", "nova-pro", "amazon_bedrock"],
    ["accounts/fireworks/models/gpt-oss-120b", "gpt-oss-120b", "fireworks"],
    ["models/gemini-2.5-flash", "gemini-2.5-flash", "google_genai"],
    ["gemini-2.5-flash-001", "gemini-2.5-flash", undefined],
    ["publishers/google/models/gemini-2.5-pro", "gemini-2.5-pro", "google_vertexai"],
    ["mistral-small-2503", "mistral-small", undefined],
    ["mistral-small-latest", "mistral-small", undefined],
    ["mistral-medium-3-5-26-04", "mistral-medium-3-5", undefined],
    ["gpt-3.5-turbo-0125", "gpt-3.5-turbo", undefined],
    ["meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b-instruct-turbo", undefined],
  ])("%s → %s", (raw, base, provider) => {
    const name = normalizeModelName(raw);
    expect(name.base).toBe(base);
    expect(name.provider).toBe(provider);
  });

  it("keeps every intermediate form, most specific first, so dated prices can win", () => {
    expect(normalizeModelName("us.anthropic.claude-sonnet-4-5-20250929-v1:0").candidates).toEqual([
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      "us.anthropic.claude-sonnet-4-5-20250929",
      "claude-sonnet-4-5-20250929-v1:0",
      "claude-sonnet-4-5-20250929",
      "claude-sonnet-4-5",
    ]);
  });

  it("does not strip numbers that are part of the model's name", () => {
    expect(normalizeModelName("gpt-oss-120b").base).toBe("gpt-oss-120b");
    expect(normalizeModelName("llama-3.3-70b-versatile").base).toBe("llama-3.3-70b-versatile");
    expect(normalizeModelName("claude-opus-4-5").base).toBe("claude-opus-4-5");
    expect(normalizeModelName("something-2048").base).toBe("something-2048"); // not a date
  });

  it("offers the hyphenated spelling of dotted versions as a later candidate", () => {
    expect(normalizeModelName("anthropic/claude-sonnet-4.5").candidates).toEqual([
      "claude-sonnet-4.5",
      "claude-sonnet-4-5",
    ]);
  });
});
