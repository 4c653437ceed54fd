import type { AttributeValue } from "@opentelemetry/api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { outputTypeOf, setRequestAttributes } from "../../src/otel/request-params.js";

type Params = Record<string, unknown>;

function attributesOf(extraParams: Params | undefined, metadata?: Params): Record<string, AttributeValue> {
  const written: Record<string, AttributeValue> = {};
  setRequestAttributes({ setAttribute: (key, value) => (written[key] = value) }, extraParams, metadata);
  return written;
}

// The rule, written the slow and obvious way: metadata first, then each source in order, and within
// a source the parameter's keys in their listed order; the first acceptable value wins.
const PARAMS: {
  attribute: string;
  metadataKey?: string;
  keys: string[];
  accept: (value: unknown) => AttributeValue | undefined;
}[] = [
  { attribute: "gen_ai.request.temperature", metadataKey: "ls_temperature", keys: ["temperature"], accept: finite },
  {
    attribute: "gen_ai.request.max_tokens",
    metadataKey: "ls_max_tokens",
    keys: [
      "max_tokens",
      "max_completion_tokens",
      "maxTokens",
      "max_output_tokens",
      "maxOutputTokens",
      "max_tokens_to_sample",
      "num_predict",
    ],
    accept: count,
  },
  { attribute: "gen_ai.request.top_p", keys: ["top_p", "topP"], accept: finite },
  { attribute: "gen_ai.request.top_k", keys: ["top_k", "topK"], accept: finite },
  { attribute: "gen_ai.request.seed", keys: ["seed", "random_seed", "randomSeed"], accept: count },
  { attribute: "gen_ai.request.frequency_penalty", keys: ["frequency_penalty", "frequencyPenalty"], accept: finite },
  { attribute: "gen_ai.request.presence_penalty", keys: ["presence_penalty", "presencePenalty"], accept: finite },
  {
    attribute: "gen_ai.request.stop_sequences",
    metadataKey: "ls_stop",
    keys: ["stop", "stop_sequences", "stopSequences"],
    accept: stops,
  },
  { attribute: "gen_ai.request.choice.count", keys: ["n", "candidate_count", "candidateCount"], accept: count },
  {
    attribute: "gen_ai.request.stream",
    keys: ["stream", "streaming"],
    accept: (value) => (value === true ? true : undefined),
  },
];

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}
function stops(value: unknown): string[] | undefined {
  if (typeof value === "string") return value.length > 0 ? [value] : undefined;
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((item): item is string => typeof item === "string");
  return strings.length > 0 ? strings : undefined;
}

function reference(extraParams: Params | undefined, metadata: Params | undefined): Record<string, AttributeValue> {
  const params = extraParams?.invocation_params as Params | undefined;
  const sources = params === undefined ? [] : [params];
  for (const nested of ["inferenceConfig", "generationConfig", "options"]) {
    const record = params?.[nested];
    if (typeof record === "object" && record !== null && !Array.isArray(record)) sources.push(record as Params);
  }
  const out: Record<string, AttributeValue> = {};
  for (const param of PARAMS) {
    let value = param.metadataKey === undefined ? undefined : param.accept(metadata?.[param.metadataKey]);
    for (const source of sources) {
      for (const key of param.keys) value ??= param.accept(source[key]);
    }
    if (value !== undefined && !(param.attribute === "gen_ai.request.choice.count" && value === 1))
      out[param.attribute] = value;
  }
  return out;
}

describe("setRequestAttributes", () => {
  it("prefers keys by their listed order, not by their order in the object", () => {
    const written = attributesOf({
      invocation_params: { num_predict: 5, maxTokens: 50, max_tokens: 100, topP: 0.5, top_p: 0.9 },
    });
    expect(written["gen_ai.request.max_tokens"]).toBe(100);
    expect(written["gen_ai.request.top_p"]).toBe(0.9);
  });

  it("skips unacceptable values for the next key, then the next source; ls_* metadata comes first", () => {
    expect(
      attributesOf({ invocation_params: { max_tokens: -1, max_completion_tokens: 64 } })["gen_ai.request.max_tokens"],
    ).toBe(64);
    expect(
      attributesOf({ invocation_params: { max_tokens: -1, inferenceConfig: { maxTokens: 32 } } })[
        "gen_ai.request.max_tokens"
      ],
    ).toBe(32);
    expect(
      attributesOf({ invocation_params: { temperature: 0.9 } }, { ls_temperature: 0.1 })["gen_ai.request.temperature"],
    ).toBe(0.1);
    expect(
      attributesOf({ invocation_params: { temperature: 0.9 } }, { ls_temperature: "hot" })[
        "gen_ai.request.temperature"
      ],
    ).toBe(0.9);
    // An earlier source decides even with a less preferred key.
    expect(
      attributesOf({ invocation_params: { num_predict: 8, options: { max_tokens: 9 } } })["gen_ai.request.max_tokens"],
    ).toBe(8);
  });

  it("writes the choice count only when it is not 1, and the conversation id from thread metadata", () => {
    expect(attributesOf({ invocation_params: { n: 1 } })).toEqual({});
    expect(attributesOf({ invocation_params: { n: 3 } }, { thread_id: "t-1" })).toEqual({
      "gen_ai.request.choice.count": 3,
      "gen_ai.conversation.id": "t-1",
    });
  });

  it("is re-entrant: a params getter that starts another run does not disturb this one", () => {
    const inner: Record<string, AttributeValue>[] = [];
    const params = {
      temperature: 0.3,
      get max_tokens(): number {
        inner.push(attributesOf({ invocation_params: { max_tokens: 7, top_k: 2 } }));
        return 100;
      },
    };
    expect(attributesOf({ invocation_params: params })).toEqual({
      "gen_ai.request.temperature": 0.3,
      "gen_ai.request.max_tokens": 100,
    });
    expect(inner).toEqual([{ "gen_ai.request.max_tokens": 7, "gen_ai.request.top_k": 2 }]);
    // And the shared slots are clean afterwards.
    expect(attributesOf({ invocation_params: {} })).toEqual({});
  });

  it("matches the rule written out plainly, for any mix of keys, values and sources", () => {
    const keys = [...new Set(PARAMS.flatMap((param) => param.keys)), "model", "user", "logit_bias"];
    const value = fc.oneof(
      fc.integer({ min: -5, max: 300 }),
      fc.double({ noDefaultInfinity: false }),
      fc.boolean(),
      fc.constantFrom("", "\n", "END"),
      fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 3 }),
      fc.constant(null),
      fc.constant(undefined),
    );
    const source = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 10 });
    const params = fc.record(
      { base: source, inferenceConfig: source, generationConfig: source, options: source },
      { requiredKeys: ["base"] },
    );
    const metadata = fc.option(
      fc.dictionary(fc.constantFrom("ls_temperature", "ls_max_tokens", "ls_stop", "other"), value),
      { nil: undefined },
    );
    fc.assert(
      fc.property(params, metadata, ({ base, ...nested }, meta) => {
        const extraParams = { invocation_params: { ...base, ...nested } };
        expect(attributesOf(extraParams, meta)).toEqual(reference(extraParams, meta));
      }),
      { numRuns: 500 },
    );
  });
});

describe("outputTypeOf (gen_ai.output.type)", () => {
  it.each<[string, Record<string, unknown>, string | undefined]>([
    ["OpenAI json_object", { response_format: { type: "json_object" } }, "json"],
    ["OpenAI json_schema", { response_format: { type: "json_schema", json_schema: { name: "x" } } }, "json"],
    ["OpenAI text", { response_format: { type: "text" } }, "text"],
    ["OpenAI Responses text.format", { text: { format: { type: "json_schema", name: "x" } } }, "json"],
    ["OpenAI audio output", { modalities: ["text", "audio"], audio: { voice: "alloy" } }, "speech"],
    ["Anthropic output_format", { output_format: { type: "json_schema", schema: {} } }, "json"],
    ["Gemini responseMimeType", { generationConfig: { responseMimeType: "application/json" } }, "json"],
    ["Gemini response_mime_type", { response_mime_type: "text/plain" }, "text"],
    ["Ollama format json", { format: "json" }, "json"],
    ["Ollama format schema", { format: { type: "object" } }, "json"],
    ["no format named", { temperature: 0 }, undefined],
    ["unknown format type", { response_format: { type: "grammar" } }, undefined],
  ])("%s", (_, params, expected) => {
    expect(outputTypeOf(params)).toBe(expected);
  });
});
