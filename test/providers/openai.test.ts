import { describe, expect, it } from "vitest";
import { normalizeResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings } from "../support/providers-helpers.js";

const warnings = captureWarnings();

function completion(usage: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o-2024-08-06",
    choices: [{ index: 0, message: { role: "assistant", content: "Hi" }, logprobs: null, finish_reason: "stop" }],
    usage,
    ...extra,
  };
}

function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id: "chatcmpl-s",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
    ...extra,
  };
}

describe("OpenAI Chat Completions", () => {
  it("splits priority-tier tokens into tier-prefixed cache/reasoning keys and a tier key for the rest", () => {
    const raw = completion(
      {
        prompt_tokens: 1000,
        completion_tokens: 300,
        total_tokens: 1300,
        prompt_tokens_details: { cached_tokens: 600, cache_write_tokens: 100, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 200, audio_tokens: 0 },
      },
      { service_tier: "priority" },
    );
    const { usage_metadata, response_metadata } = normalizeResponse(raw, { provider: "openai" });
    expect(usage_metadata).toEqual({
      input_tokens: 1000,
      output_tokens: 300,
      total_tokens: 1300,
      input_token_details: { audio: 0, priority_cache_read: 600, priority_cache_creation: 100, priority: 400 },
      output_token_details: { audio: 0, priority_reasoning: 200, priority: 100 },
    });
    expect(response_metadata.service_tier).toBe("priority");
  });

  it("uses the flex prefix too, and no tier keys for the default tier", () => {
    const usage = {
      prompt_tokens: 50,
      completion_tokens: 40,
      total_tokens: 90,
      completion_tokens_details: { reasoning_tokens: 30 },
    };
    expect(normalizeResponse(completion(usage, { service_tier: "flex" })).usage_metadata?.output_token_details).toEqual(
      {
        flex_reasoning: 30,
        flex: 10,
      },
    );
    expect(normalizeResponse(completion(usage, { service_tier: "flex" })).usage_metadata?.input_token_details).toEqual({
      flex: 50,
    });
    expect(
      normalizeResponse(completion(usage, { service_tier: "default" })).usage_metadata?.output_token_details,
    ).toEqual({
      reasoning: 30,
    });
  });

  it("reports audio tokens on both sides as subsets", () => {
    const raw = completion({
      prompt_tokens: 120,
      completion_tokens: 80,
      total_tokens: 200,
      prompt_tokens_details: { audio_tokens: 100, cached_tokens: 0 },
      completion_tokens_details: { audio_tokens: 60, reasoning_tokens: 0 },
    });
    expect(normalizeResponse(raw).usage_metadata).toEqual({
      input_tokens: 120,
      output_tokens: 80,
      total_tokens: 200,
      input_token_details: { audio: 100, cache_read: 0 },
      output_token_details: { audio: 60, reasoning: 0 },
    });
  });

  it("reads tool calls and keeps unknown top-level fields in response_metadata", () => {
    const raw = completion(
      { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      {
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
              ],
            },
          },
        ],
        prompt_filter_results: [{ prompt_index: 0 }],
      },
    );
    const result = normalizeResponse(raw);
    expect(result.text).toBe("");
    expect(result.tool_calls).toEqual([
      { id: "call_1", name: "get_weather", args: { city: "Oslo" }, type: "tool_call" },
    ]);
    expect(result.response_metadata.prompt_filter_results).toEqual([{ prompt_index: 0 }]);
    expect(result.response_metadata.finish_reason).toBe("tool_calls");
    expect(result.response_metadata).not.toHaveProperty("logprobs");
  });

  it("merges streamed tool calls by index, arguments concatenated then parsed", () => {
    const tool = (index: number, fields: Record<string, unknown>) => chunk({ tool_calls: [{ index, ...fields }] });
    const result = accumulate([
      chunk({ role: "assistant", content: null }),
      tool(0, { id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }),
      tool(1, { id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz":' } }),
      tool(0, { function: { arguments: '{"loca' } }),
      tool(1, { function: { arguments: '"UTC"}' } }),
      tool(0, { function: { arguments: 'tion": "Boston"}' } }),
      { ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] },
    ]);
    expect(result.tool_calls).toEqual([
      { id: "call_a", name: "get_weather", args: { location: "Boston" }, type: "tool_call" },
      { id: "call_b", name: "get_time", args: { tz: "UTC" }, type: "tool_call" },
    ]);
    expect(result.invalid_tool_calls).toEqual([]);
    expect(result.response_metadata.finish_reason).toBe("tool_calls");
  });

  it("keeps arguments that never became valid JSON as an invalid tool call", () => {
    const result = accumulate([
      chunk({ tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: '{"a": 1' } }] }),
    ]);
    expect(result.tool_calls).toEqual([]);
    expect(result.invalid_tool_calls).toEqual([
      expect.objectContaining({ id: "c", name: "f", args: '{"a": 1', type: "invalid_tool_call" }),
    ]);
  });

  it("concatenates streamed logprobs content in order (seed 003)", () => {
    const token = (text: string, logprob: number) => ({
      token: text,
      bytes: [...Buffer.from(text)],
      logprob,
      top_logprobs: [],
    });
    const lp = (...content: unknown[]) => ({ content, refusal: null });
    const result = accumulate([
      {
        ...chunk({ role: "assistant", content: "" }),
        choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: lp(), finish_reason: null }],
      },
      {
        ...chunk({}),
        choices: [{ index: 0, delta: { content: "I" }, logprobs: lp(token("I", -0.26593843)), finish_reason: null }],
      },
      {
        ...chunk({}),
        choices: [{ index: 0, delta: { content: "'m" }, logprobs: lp(token("'m", -0.3238896)), finish_reason: null }],
      },
      {
        ...chunk({}),
        choices: [
          {
            index: 0,
            delta: { content: " just a" },
            logprobs: lp(token(" just", -0.23778509), token(" a", -0.0022134194)),
            finish_reason: "stop",
          },
        ],
      },
    ]);
    expect(result.text).toBe("I'm just a");
    expect(result.response_metadata.logprobs).toEqual({
      content: [
        token("I", -0.26593843),
        token("'m", -0.3238896),
        token(" just", -0.23778509),
        token(" a", -0.0022134194),
      ],
      refusal: null,
    });
  });

  it("concatenates completions-style logprobs lists of compatible servers key by key", () => {
    const piece = (text: string, logprob: number) => ({
      ...chunk({ content: text }),
      choices: [
        {
          index: 0,
          delta: { content: text },
          logprobs: { tokens: [text], token_logprobs: [logprob] },
          finish_reason: null,
        },
      ],
    });
    const result = accumulate([piece("a", -0.5), piece("b", -0.25)]);
    expect(result.response_metadata.logprobs).toEqual({ tokens: ["a", "b"], token_logprobs: [-0.5, -0.25] });
  });

  it("warns when a stream has no usage and says how to get it", () => {
    const result = accumulate(
      [chunk({ content: "Hi" }), { ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }],
      {
        provider: "openai",
      },
    );
    expect(result.usage_metadata).toBeUndefined();
    expect(result.text).toBe("Hi");
    expect(warnings).toEqual([
      expect.objectContaining({ code: "missing_usage", message: expect.stringContaining("include_usage") }),
    ]);
  });

  it("counts usage once when a server repeats the running total on every chunk", () => {
    const running = (completion_tokens: number) => ({
      prompt_tokens: 10,
      completion_tokens,
      total_tokens: 10 + completion_tokens,
    });
    const result = accumulate([
      chunk({ content: "a" }, { usage: running(1) }),
      chunk({ content: "b" }, { usage: running(2) }),
      chunk({ content: "c" }, { usage: running(3) }),
    ]);
    expect(result.usage_metadata).toEqual({
      input_tokens: 10,
      output_tokens: 3,
      total_tokens: 13,
      input_token_details: {},
      output_token_details: {},
    });
  });

  it("applies the stream's service tier to the final usage chunk", () => {
    const result = accumulate([
      chunk({ content: "x" }, { service_tier: "priority" }),
      {
        id: "chatcmpl-s",
        object: "chat.completion.chunk",
        model: "gpt-4o",
        choices: [],
        service_tier: "priority",
        usage: {
          prompt_tokens: 8,
          completion_tokens: 2,
          total_tokens: 10,
          prompt_tokens_details: { cached_tokens: 3 },
        },
      },
    ]);
    expect(result.usage_metadata?.input_token_details).toEqual({ priority_cache_read: 3, priority: 5 });
    expect(result.response_metadata.service_tier).toBe("priority");
  });
});

describe("OpenAI Responses API", () => {
  const response = (fields: Record<string, unknown>) => ({
    id: "resp_1",
    object: "response",
    created_at: 1,
    status: "completed",
    error: null,
    incomplete_details: null,
    model: "gpt-5-2025-08-07",
    output: [],
    usage: {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 15 },
      total_tokens: 30,
    },
    ...fields,
  });

  it("keeps status and incomplete_details of an incomplete response, with its usage", () => {
    const raw = response({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "Once upon" }] }],
    });
    const result = normalizeResponse(raw);
    expect(result.provider).toBe("openai");
    expect(result.text).toBe("Once upon");
    expect(result.response_metadata).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      model_name: "gpt-5-2025-08-07",
    });
    expect(result.usage_metadata).toEqual({
      input_tokens: 10,
      output_tokens: 20,
      total_tokens: 30,
      input_token_details: { cache_read: 2 },
      output_token_details: { reasoning: 15 },
    });
  });

  it("reads function_call output items as tool calls and maps cache_write_tokens", () => {
    const raw = response({
      output: [
        { type: "function_call", call_id: "call_9", name: "lookup", arguments: '{"q":"x"}', status: "completed" },
      ],
      usage: {
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 64 },
        output_tokens: 5,
        total_tokens: 105,
      },
    });
    const result = normalizeResponse(raw);
    expect(result.tool_calls).toEqual([{ id: "call_9", name: "lookup", args: { q: "x" }, type: "tool_call" }]);
    expect(result.usage_metadata?.input_token_details).toEqual({ cache_read: 0, cache_creation: 64 });
  });

  it("takes usage from response.incomplete at the end of a stream, and function-call arguments from deltas", () => {
    const final = response({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
    const result = accumulate([
      { type: "response.created", sequence_number: 0, response: response({ status: "in_progress", usage: null }) },
      {
        type: "response.output_item.added",
        output_index: 0,
        item: { type: "function_call", call_id: "call_1", name: "search", arguments: "" },
      },
      { type: "response.function_call_arguments.delta", output_index: 0, item_id: "fc_1", delta: '{"que' },
      { type: "response.function_call_arguments.delta", output_index: 0, item_id: "fc_1", delta: 'ry":"cats"}' },
      {
        type: "response.output_item.added",
        output_index: 1,
        item: { type: "message", role: "assistant", content: [] },
      },
      { type: "response.output_text.delta", output_index: 1, delta: "Looking" },
      { type: "response.output_text.delta", output_index: 1, delta: " it up" },
      { type: "response.incomplete", sequence_number: 9, response: final },
    ]);
    expect(result.text).toBe("Looking it up");
    expect(result.tool_calls).toEqual([{ id: "call_1", name: "search", args: { query: "cats" }, type: "tool_call" }]);
    expect(result.response_metadata.status).toBe("incomplete");
    expect(result.usage_metadata?.total_tokens).toBe(30);
  });

  it("warns when the stream stops before the final response event", () => {
    const result = accumulate([
      { type: "response.created", response: response({ status: "in_progress", usage: null }) },
      { type: "response.output_text.delta", delta: "partial" },
    ]);
    expect(result.text).toBe("partial");
    expect(result.usage_metadata).toBeUndefined();
    expect(result.response_metadata.status).toBe("in_progress");
    expect(warnings.map((w) => w.code)).toEqual(["missing_usage"]);
  });
});
