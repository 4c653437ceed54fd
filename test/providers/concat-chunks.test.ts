import { AIMessageChunk } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { concatChunks, type MessageChunk } from "../../src/providers/index.js";
import { captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

const token = (text: string, logprob: number) => ({
  token: text,
  bytes: [...Buffer.from(text)],
  logprob,
  top_logprobs: [],
});

/** Seed 003's stream: the first chunk has an empty logprobs list, then one token per chunk. */
const logprobChunks: MessageChunk[] = [
  { content: "", response_metadata: { logprobs: { content: [] } } },
  { content: "I", response_metadata: { logprobs: { content: [token("I", -0.26593843)] } } },
  { content: "'m", response_metadata: { logprobs: { content: [token("'m", -0.3238896)] } } },
  { content: " just", response_metadata: { logprobs: { content: [token(" just", -0.23778509)] } } },
  {
    content: " a",
    response_metadata: {
      logprobs: { content: [token(" a", -0.0022134194)] },
      finish_reason: "stop",
      model_name: "gpt-4o-mini-2024-07-18",
    },
  },
];

/** Seed 004's streamed tool calls: two calls, arguments in pieces. */
const toolChunks: MessageChunk[] = [
  {
    content: "",
    tool_call_chunks: [{ name: "get_weather", id: "call_SvMl", args: "", index: 0, type: "tool_call_chunk" }],
  },
  { content: "", tool_call_chunks: [{ args: '{"lo', index: 0, type: "tool_call_chunk" }] },
  { content: "", tool_call_chunks: [{ args: "catio", index: 0, type: "tool_call_chunk" }] },
  { content: "", tool_call_chunks: [{ args: 'n": "B', index: 0, type: "tool_call_chunk" }] },
  { content: "", tool_call_chunks: [{ args: 'oston"}', index: 0, type: "tool_call_chunk" }] },
  {
    content: "",
    tool_call_chunks: [
      { name: "get_weather", id: "call_QMZd", args: '{"location": "Tokyo"}', index: 1, type: "tool_call_chunk" },
    ],
  },
];

function fold(chunks: readonly MessageChunk[]): MessageChunk[] {
  const states: MessageChunk[] = [];
  let full: MessageChunk | undefined;
  for (const chunk of chunks) {
    full = full === undefined ? chunk : concatChunks(full, chunk);
    states.push(full);
  }
  return states;
}

function foldLangChain(chunks: readonly MessageChunk[]): AIMessageChunk[] {
  const states: AIMessageChunk[] = [];
  let full: AIMessageChunk | undefined;
  for (const chunk of chunks) {
    const next = new AIMessageChunk({
      content: typeof chunk.content === "string" ? chunk.content : "",
      response_metadata: chunk.response_metadata ?? {},
      tool_call_chunks: chunk.tool_call_chunks ?? [],
    });
    full = full === undefined ? next : full.concat(next);
    states.push(full);
  }
  return states;
}

describe("concatChunks", () => {
  it("accumulates logprobs content in order, at every step exactly as LangChain's full + chunk (seed 003)", () => {
    const ours = fold(logprobChunks);
    const theirs = foldLangChain(logprobChunks);
    ours.forEach((state, i) => {
      expect(state.content).toEqual(theirs[i]?.content);
      expect(state.response_metadata?.logprobs).toEqual(theirs[i]?.response_metadata.logprobs);
    });
    expect(ours.at(-1)?.content).toBe("I'm just a");
    expect((ours.at(-1)?.response_metadata?.logprobs as { content: unknown[] }).content).toHaveLength(4);
  });

  it("builds tool calls by index as they stream, with partial arguments parsed (seed 004)", () => {
    const ours = fold(toolChunks);
    const theirs = foldLangChain(toolChunks);
    // From the second chunk on, each state is a merge (the first is the caller's own chunk).
    ours.slice(1).forEach((state, i) => {
      expect(state.tool_call_chunks).toEqual(theirs[i + 1]?.tool_call_chunks);
      expect(state.tool_calls).toEqual(theirs[i + 1]?.tool_calls);
    });
    expect(ours[3]?.tool_calls).toEqual([
      { name: "get_weather", id: "call_SvMl", args: { location: "B" }, type: "tool_call" },
    ]);
    expect(ours.at(-1)?.tool_calls).toEqual([
      { name: "get_weather", id: "call_SvMl", args: { location: "Boston" }, type: "tool_call" },
      { name: "get_weather", id: "call_QMZd", args: { location: "Tokyo" }, type: "tool_call" },
    ]);
  });

  it("adds usage, keeping detail keys LangChain.js would drop", () => {
    const merged = concatChunks(
      {
        content: "a",
        usage_metadata: {
          input_tokens: 10,
          output_tokens: 0,
          total_tokens: 10,
          input_token_details: { cache_read: 4, ephemeral_5m_input_tokens: 2 },
        },
      },
      {
        content: "b",
        usage_metadata: { input_tokens: 0, output_tokens: 5, total_tokens: 5, output_token_details: { reasoning: 3 } },
      },
    );
    expect(merged.usage_metadata).toEqual({
      input_tokens: 10,
      output_tokens: 5,
      total_tokens: 15,
      input_token_details: { cache_read: 4, ephemeral_5m_input_tokens: 2 },
      output_token_details: { reasoning: 3 },
    });
  });

  it("merges content parts by index, like Anthropic's blocks", () => {
    const merged = concatChunks(
      { content: [{ type: "text", text: "Hel", index: 0 }] },
      {
        content: [
          { type: "text_delta", text: "lo", index: 0 },
          { type: "tool_use", id: "t", name: "f", input: "", index: 1 },
        ],
      },
    );
    expect(merged.content).toEqual([
      { type: "text", text: "Hello", index: 0 },
      { type: "tool_use", id: "t", name: "f", input: "", index: 1 },
    ]);
  });

  it("replaces identity strings instead of appending them, and never changes its inputs", () => {
    const left: MessageChunk = {
      content: "a",
      id: "run-1",
      response_metadata: { model_name: "gpt-4o", finish_reason: "" },
    };
    const right: MessageChunk = {
      content: "b",
      response_metadata: { model_name: "gpt-4o", finish_reason: "stop", model_provider: "openai" },
    };
    const before = structuredClone([left, right]);
    const merged = concatChunks(left, right);
    expect(merged).toEqual({
      content: "ab",
      id: "run-1",
      response_metadata: { model_name: "gpt-4o", finish_reason: "stop", model_provider: "openai" },
    });
    expect([left, right]).toEqual(before);
  });

  it("keeps the newer value with a warning when a field changes type", () => {
    const merged = concatChunks(
      { content: "", response_metadata: { status: "ok" } },
      { content: "", response_metadata: { status: 3 } },
    );
    expect(merged.response_metadata?.status).toBe(3);
    expect(warnings.map((w) => w.code)).toEqual(["chunk_merge_conflict"]);
  });
});
