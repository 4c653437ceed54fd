import type { RunUpdate as LangSmithRunUpdate, UsageMetadata as LangSmithUsage } from "langsmith/schemas";
import { describe, expect, it } from "vitest";
import {
  cacheWriteTokens,
  ResponseMetadataSchema,
  RunCreateSchema,
  RunSchema,
  RunUpdateSchema,
  UsageMetadataSchema,
} from "../../schemas/index.js";
import { parseUsage } from "../../schemas/usage-parse.js";

const run = {
  id: "0190f0e4-1c2d-7e3f-8a4b-5c6d7e8f9a0b",
  name: "ChatOpenAI",
  run_type: "llm",
  start_time: "2024-05-01T12:00:00.123456Z",
  end_time: "2024-05-01T12:00:01.000001Z",
  extra: {
    metadata: { ls_provider: "openai", usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } },
    invocation_params: { model: "gpt-4o-mini" },
  },
  inputs: { messages: [] },
  outputs: { generations: [] },
  trace_id: "0190f0e4-1c2d-7e3f-8a4b-5c6d7e8f9a0b",
  dotted_order: "20240501T120000123456Z0190f0e4-1c2d-7e3f-8a4b-5c6d7e8f9a0b",
  prompt_tokens: 1,
  completion_tokens: 2,
  total_tokens: 3,
  events: [{ name: "start", time: "2024-05-01T12:00:00.123456Z" }],
  tags: ["a"],
  parent_run_id: null,
  error: null,
};

describe("UsageMetadataSchema", () => {
  it("keeps unknown detail keys", () => {
    const parsed = UsageMetadataSchema.parse({
      input_tokens: 10,
      output_tokens: 2,
      total_tokens: 12,
      input_token_details: { cache_read: 1, ephemeral_5m_input_tokens: 3, priority: 4 },
      output_token_details: { reasoning: 1, text: 1 },
    });
    expect(parsed.input_token_details).toEqual({ cache_read: 1, ephemeral_5m_input_tokens: 3, priority: 4 });
    expect(parsed.output_token_details).toEqual({ reasoning: 1, text: 1 });
  });

  it.each([
    ["negative", -1],
    ["NaN", Number.NaN],
    ["fractional", 1.5],
    ["infinite", Number.POSITIVE_INFINITY],
    ["a string", "3"],
  ])("rejects a %s count", (_label, value) => {
    expect(UsageMetadataSchema.safeParse({ input_tokens: value, output_tokens: 0, total_tokens: 0 }).success).toBe(
      false,
    );
    expect(
      UsageMetadataSchema.safeParse({
        input_tokens: 0,
        output_tokens: 0,
        total_tokens: 0,
        input_token_details: { x: value },
      }).success,
    ).toBe(false);
  });
});

describe("usage costs and cache writes", () => {
  it("UsageMetadataSchema keeps the cost keys of langsmith's UsageMetadata", () => {
    const usage = {
      input_tokens: 10,
      output_tokens: 2,
      total_tokens: 12,
      input_cost: 0.001,
      output_cost: 0.0005,
      total_cost: 0.0015,
      input_cost_details: { cache_read: 0.0001 },
      output_cost_details: { reasoning: 0.0002 },
    } satisfies LangSmithUsage;
    expect(UsageMetadataSchema.parse(usage)).toEqual(usage);
    expect(UsageMetadataSchema.parse({ ...usage, total_cost: "0.0015" }).total_cost).toBe(0.0015);
    expect(UsageMetadataSchema.safeParse({ ...usage, input_cost: -1 }).success).toBe(false);
  });

  it("parseUsage keeps a caller's costs and reports invalid ones", () => {
    const { usage, problems } = parseUsage({
      input_tokens: 3,
      output_tokens: 1,
      total_tokens: 4,
      input_cost: "0.25",
      output_cost: -2,
      total_cost: 0.5,
      output_cost_details: { reasoning: 0.1, audio: "x" },
    });
    expect(usage).toEqual({
      input_tokens: 3,
      output_tokens: 1,
      total_tokens: 4,
      input_cost: 0.25,
      total_cost: 0.5,
      output_cost_details: { reasoning: 0.1 },
    });
    expect(problems).toEqual([
      "output_cost: -2 is not a non-negative amount",
      'output_cost_details.audio: "x" is not a non-negative amount',
    ]);
  });

  it("cacheWriteTokens reads writes from cache_creation or Anthropic's TTL keys, once", () => {
    expect(
      cacheWriteTokens({ cache_creation: 0, ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 200 }),
    ).toBe(500);
    expect(cacheWriteTokens({ cache_creation: 500, ephemeral_5m_input_tokens: 500 })).toBe(500);
    expect(cacheWriteTokens({ cache_creation: 40 })).toBe(40);
    expect(cacheWriteTokens(undefined)).toBe(0);
  });
});

describe("parseUsage", () => {
  it("keeps the valid part and names each rejected value", () => {
    const { usage, problems } = parseUsage({
      input_tokens: 5,
      output_tokens: 2,
      input_token_details: { cache_read: -3, audio: 1 },
      output_token_details: { reasoning: Number.NaN },
    });
    expect(usage).toEqual({
      input_tokens: 5,
      output_tokens: 2,
      total_tokens: 7,
      input_token_details: { audio: 1 },
      output_token_details: {},
    });
    expect(problems).toEqual([
      "input_token_details.cache_read: -3 is not a non-negative integer",
      "output_token_details.reasoning: NaN is not a non-negative integer",
    ]);
  });

  it("gives no usage when a total is invalid, and says why", () => {
    expect(parseUsage({ input_tokens: "7", output_tokens: 1 })).toEqual({
      problems: ['input_tokens: "7" is not a non-negative integer'],
    });
    expect(parseUsage(null).problems).toEqual(["usage: expected an object, got null"]);
  });
});

describe("Run schemas", () => {
  it("accept a LangSmith run with microsecond times and nulls as LangSmith writes them", () => {
    expect(RunSchema.parse(run).dotted_order).toBe(run.dotted_order);
    expect(RunCreateSchema.safeParse(run).success).toBe(true);
    expect(
      RunUpdateSchema.safeParse({
        id: run.id,
        trace_id: run.trace_id,
        dotted_order: run.dotted_order,
        end_time: run.end_time,
        outputs: {},
      }).success,
    ).toBe(true);
  });

  it("reject a run without trace_id, a bad id, a bad run type or a bad time", () => {
    const { trace_id: _omitted, ...noTrace } = run;
    expect(RunSchema.safeParse(noTrace).success).toBe(false);
    expect(RunSchema.safeParse({ ...run, id: "not-a-uuid" }).success).toBe(false);
    expect(RunSchema.safeParse({ ...run, run_type: "agent" }).success).toBe(false);
    expect(RunSchema.safeParse({ ...run, start_time: "yesterday" }).success).toBe(false);
  });

  it("accept what the langsmith client and LangSmith's API write: epoch-millisecond times, decimal-string costs", () => {
    const millis = Date.UTC(2024, 4, 1, 12, 0, 0, 123);
    const parsed = RunSchema.parse({
      ...run,
      start_time: millis,
      end_time: millis + 1000.25,
      first_token_time: millis + 500,
      events: [{ name: "start", time: millis }],
      prompt_cost: "0.000015",
      completion_cost: "2.5e-05",
      total_cost: "0.00004",
      extra: { metadata: { usage_metadata: { ...run.extra.metadata.usage_metadata, total_cost: "0.00004" } } },
    });
    expect(parsed.start_time).toBe("2024-05-01T12:00:00.123000Z");
    expect(parsed.end_time).toBe("2024-05-01T12:00:01.123250Z");
    expect(parsed.first_token_time).toBe("2024-05-01T12:00:00.623000Z");
    expect(parsed.events?.[0]?.time).toBe("2024-05-01T12:00:00.123000Z");
    expect([parsed.prompt_cost, parsed.completion_cost, parsed.total_cost]).toEqual([0.000015, 0.000025, 0.00004]);
    expect(parsed.extra?.metadata?.usage_metadata?.total_cost).toBe(0.00004);
    for (const bad of ["-1", "1e", "0x10", "NaN", " 1", ""]) {
      expect(RunSchema.safeParse({ ...run, total_cost: bad }).success).toBe(false);
    }
    expect(RunSchema.safeParse({ ...run, start_time: -1 }).success).toBe(false);
    expect(RunSchema.safeParse({ ...run, start_time: Number.POSITIVE_INFINITY }).success).toBe(false);
  });

  it("RunUpdateSchema has every field of the langsmith client's RunUpdate", () => {
    // Compile-time complete: a key added to langsmith's RunUpdate fails the type check here.
    const fields = {
      id: true,
      name: true,
      run_type: true,
      start_time: true,
      end_time: true,
      extra: true,
      tags: true,
      error: true,
      serialized: true,
      inputs: true,
      outputs: true,
      parent_run_id: true,
      reference_example_id: true,
      events: true,
      session_id: true,
      session_name: true,
      trace_id: true,
      dotted_order: true,
      attachments: true,
    } satisfies Record<Exclude<keyof LangSmithRunUpdate, "address">, true>;
    expect(Object.keys(RunUpdateSchema.shape)).toEqual(expect.arrayContaining(Object.keys(fields)));
    const update = RunUpdateSchema.parse({
      id: run.id,
      trace_id: run.trace_id,
      dotted_order: run.dotted_order,
      name: "renamed",
      run_type: "chain",
      start_time: 1714564800000,
      serialized: { id: ["x"] },
      session_id: run.id,
    });
    expect(update).toMatchObject({ name: "renamed", run_type: "chain", start_time: "2024-05-01T12:00:00.000000Z" });
  });

  it("validate usage inside extra.metadata", () => {
    const bad = {
      ...run,
      extra: { metadata: { usage_metadata: { input_tokens: -1, output_tokens: 0, total_tokens: 0 } } },
    };
    expect(RunSchema.safeParse(bad).success).toBe(false);
  });
});

describe("ResponseMetadataSchema", () => {
  it("is open and requires the provider; a model name may be null", () => {
    expect(
      ResponseMetadataSchema.parse({ model_name: null, model_provider: "cohere", finish_reason: "COMPLETE" }),
    ).toEqual({
      model_name: null,
      model_provider: "cohere",
      finish_reason: "COMPLETE",
    });
    expect(ResponseMetadataSchema.safeParse({ model_name: "x" }).success).toBe(false);
  });
});
