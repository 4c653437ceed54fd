// Benchmark: pricing one model call. runledger's estimateCost (its own lookup over the generated
// table, on every traced model run's path) vs the source library's calcPrice on the same calls.
import { calcPrice, type Usage } from "@pydantic/genai-prices";
import { compare, formatStats, type Contender } from "./harness.js";
import { formatRatio, PAIR_HEADER, pairRow, type Section } from "./report.js";
import { rl } from "./subject.js";

const TARGET_NS = 300;

interface Call {
  model: string;
  provider: string;
  sourceId: string;
  usage: Parameters<typeof rl.estimateCost>[1];
  sourceUsage: Usage;
}

// A mix of the shapes traced runs carry: dated names, cache reads and TTL writes, reasoning, a long
// prompt, a Bedrock id, a service tier.
const CALLS: Call[] = [
  call("gpt-4o-mini-2024-07-18", "openai", "openai", 1200, 300, { cache_read: 1000 }),
  call("claude-sonnet-4-5-20250929", "anthropic", "anthropic", 8000, 400, {
    cache_read: 2000,
    ephemeral_5m_input_tokens: 1500,
    ephemeral_1h_input_tokens: 2500,
  }),
  call("o4-mini-2025-04-16", "openai", "openai", 3000, 5000, {}, { reasoning: 4000 }),
  call("gpt-5.4", "openai", "openai", 300_000, 2000, { cache_read: 100_000 }),
  call("anthropic.claude-3-5-sonnet-20240620-v1:0", "amazon_bedrock", "aws", 5000, 500, { cache_read: 1000 }),
  call("gemini-2.5-flash", "google_genai", "google", 4000, 800, {}),
  call(
    "gpt-5",
    "openai",
    "openai",
    10_000,
    3000,
    { flex: 4000, flex_cache_read: 6000 },
    { flex: 1000, flex_reasoning: 2000 },
  ),
];

function call(
  model: string,
  provider: string,
  sourceId: string,
  input: number,
  output: number,
  inputDetails: Record<string, number>,
  outputDetails: Record<string, number> = {},
): Call {
  const writes = (inputDetails.ephemeral_5m_input_tokens ?? 0) + (inputDetails.ephemeral_1h_input_tokens ?? 0);
  return {
    model,
    provider,
    sourceId,
    usage: {
      input_tokens: input,
      output_tokens: output,
      total_tokens: input + output,
      input_token_details: inputDetails,
      output_token_details: outputDetails,
    },
    sourceUsage: {
      input_tokens: input,
      output_tokens: output,
      cache_read_tokens: inputDetails.cache_read ?? inputDetails.flex_cache_read ?? 0,
      cache_write_tokens: writes,
      cache_write_1h_tokens: inputDetails.ephemeral_1h_input_tokens ?? 0,
    },
  };
}

/** Runs the estimate-cost benchmark. */
export async function estimateCostBench(): Promise<Section> {
  let sink = 0;
  const ours: Contender<void> = {
    name: "runledger",
    run(_state, ops) {
      for (let i = 0; i < ops; i++) {
        const { model, usage, provider } = CALLS[i % CALLS.length] as Call;
        sink += rl.estimateCost(model, usage, { provider })?.total_cost ?? 0;
      }
    },
  };
  const peer: Contender<void> = {
    name: "@pydantic/genai-prices calcPrice",
    run(_state, ops) {
      for (let i = 0; i < ops; i++) {
        const { model, sourceUsage, sourceId } = CALLS[i % CALLS.length] as Call;
        sink += calcPrice(sourceUsage, model, { providerId: sourceId })?.total_price ?? 0;
      }
    },
  };
  const [oursStats, peerStats] = await compare(ours, peer);
  if (!(sink > 0)) throw new Error("no call was priced");
  const { row, ratio } = pairRow(`estimateCost, ${CALLS.length} call shapes in turn`, oursStats, peerStats);
  return {
    title: "Cost estimate per model call",
    header: PAIR_HEADER,
    rows: [row],
    checks: [
      {
        label: `estimateCost ≤ ${TARGET_NS / 1000} µs per call`,
        met: oursStats.medianNs <= TARGET_NS,
        measured: `${formatStats(oursStats)} (${formatRatio(ratio)}× faster than calcPrice)`,
      },
    ],
    notes: [
      "Calls: a dated OpenAI name with cache reads, Anthropic cache writes with 5-minute and 1-hour TTLs, reasoning, a long prompt past gpt-5.4's threshold, a Bedrock id, Gemini, an OpenAI flex-tier usage.",
      "estimateCost validates its arguments and resolves each name once (cached by provider and name); the result object is its only allocation.",
    ],
  };
}
