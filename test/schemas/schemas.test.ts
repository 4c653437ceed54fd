import { describe, expect, it } from "vitest";
import {
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
