import { fixtureRaw, type Reply } from "./loopback-server.js";

// Slow streams (one event every few ms) for real SDK clients to read from the loopback server, so a
// budget or an abort cuts them mid-way. They are the recorded fixtures stretched: their one-token
// text chunk repeated, the final usage scaled to match, so the exact usage a finished call reports
// is what the provider would bill.
const INTERVAL_MS = 4;

type Chunk = Record<string, unknown>;
const OPENAI = fixtureRaw("openai", "chat_completions_stream_include_usage") as Chunk[];
const ANTHROPIC = fixtureRaw("anthropic", "messages_stream") as Chunk[];

/** The recorded OpenAI chat stream (include_usage) with `tokens` text chunks, one every few ms. */
export function slowOpenAIStream(tokens: number): Reply {
  const [first, text, , , finish, usage] = OPENAI as [Chunk, Chunk, Chunk, Chunk, Chunk, Chunk];
  const prompt = (usage.usage as { prompt_tokens: number }).prompt_tokens;
  const last = { ...usage, usage: { prompt_tokens: prompt, completion_tokens: tokens, total_tokens: prompt + tokens } };
  const chunks = [first, ...Array.from({ length: tokens }, () => text), finish, last];
  return { kind: "sse", events: [...chunks.map((data) => ({ data })), { data: "[DONE]" }], intervalMs: INTERVAL_MS };
}

/** The recorded Anthropic message stream with `tokens` text deltas, one every few ms. */
export function slowAnthropicStream(tokens: number): Reply {
  const [start, blockStart, , delta, , , blockStop, messageDelta, stop] = ANTHROPIC as [
    Chunk,
    Chunk,
    Chunk,
    Chunk,
    Chunk,
    Chunk,
    Chunk,
    Chunk,
    Chunk,
  ];
  const finalUsage = { ...(messageDelta.usage as Chunk), output_tokens: tokens };
  const events = [
    start,
    blockStart,
    ...Array.from({ length: tokens }, () => delta),
    blockStop,
    { ...messageDelta, usage: finalUsage },
    stop,
  ];
  return { kind: "sse", events: events.map((data) => ({ event: String(data.type), data })), intervalMs: INTERVAL_MS };
}
