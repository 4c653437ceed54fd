// Recorded provider responses the demo's loopback server plays back: the exact wire shapes of the
// OpenAI Chat Completions and Anthropic Messages APIs, with realistic usage (cache reads included).

export const OPENAI_MODEL = "gpt-4o-mini-2024-07-18";
export const ANTHROPIC_MODEL = "claude-haiku-4-5-20251001";
export const TRIAGE_MODEL = "gpt-4.1-nano-2025-04-14";

/** gpt-4.1-nano, called through the Vercel AI SDK, files the question under a topic. */
export const triageAnswer = {
  id: "chatcmpl-demo-triage-0001",
  object: "chat.completion",
  created: 1763799990,
  model: TRIAGE_MODEL,
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "order_status", refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: {
    prompt_tokens: 61,
    completion_tokens: 3,
    total_tokens: 64,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: "default",
  system_fingerprint: "fp_demo0003",
};

/** gpt-4o-mini decides to call the order-lookup tool. */
export const openaiToolCall = {
  id: "chatcmpl-demo-tool-0001",
  object: "chat.completion",
  created: 1763800000,
  model: OPENAI_MODEL,
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_lookup_1",
            type: "function",
            function: { name: "lookup_order", arguments: '{"order_id":"A-1042"}' },
          },
        ],
        refusal: null,
      },
      logprobs: null,
      finish_reason: "tool_calls",
    },
  ],
  usage: {
    prompt_tokens: 1342,
    completion_tokens: 19,
    total_tokens: 1361,
    prompt_tokens_details: { cached_tokens: 1152, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: "default",
  system_fingerprint: "fp_demo0001",
};

/** Claude summarizes the order for the customer. */
export const anthropicSummary = {
  id: "msg_demo_summary_01",
  type: "message",
  role: "assistant",
  model: ANTHROPIC_MODEL,
  content: [
    {
      type: "text",
      text: "Order A-1042 (2 × trail running shoes) left the Leipzig warehouse on Nov 20 and is due on Nov 24.",
    },
  ],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 286, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 41 },
};

/** Anthropic's answer when it is overloaded (HTTP 529). */
export const anthropicOverloaded = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };

/** The words gpt-4o-mini streams as the final answer. */
export const streamedAnswer = [
  "Good news!",
  " Your order A-1042",
  " shipped on November 20",
  " and should arrive",
  " by November 24.",
  " I've sent the tracking link",
  " to your email.",
];

/** The final answer as Chat Completions stream chunks; the usage chunk only when asked for. */
export function openaiAnswerChunks(includeUsage: boolean): unknown[] {
  const base = {
    id: "chatcmpl-demo-answer-0002",
    object: "chat.completion.chunk",
    created: 1763800002,
    model: OPENAI_MODEL,
    system_fingerprint: "fp_demo0001",
    service_tier: "default",
  };
  const chunks: unknown[] = [
    {
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
    },
  ];
  for (const text of streamedAnswer)
    chunks.push({ ...base, choices: [{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }] });
  chunks.push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }] });
  if (includeUsage) {
    chunks.push({
      ...base,
      choices: [],
      usage: {
        prompt_tokens: 1431,
        completion_tokens: 32,
        total_tokens: 1463,
        prompt_tokens_details: { cached_tokens: 1280, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
  }
  return chunks;
}
