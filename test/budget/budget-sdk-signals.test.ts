import { ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { GoogleGenAI } from "@google/genai";
import { Mistral } from "@mistralai/mistralai";
import { CohereClientV2 } from "cohere-ai";
import { describe, expect, it } from "vitest";
import { BudgetExceededError, withBudget, withCallbacks } from "../../src/index.js";
import { InMemoryRunExporter } from "../../src/export/index.js";
import { wrapBedrockRuntime, wrapCohere, wrapGoogleGenAI, wrapMistral } from "../../src/providers/index.js";
import { RunTracer } from "../../src/tracing/index.js";
import { converseFrames, loopbackBedrockClient } from "../support/bedrock-loopback.js";
import { fixtureRaw, useLoopbackServer, type Reply } from "../support/loopback-server.js";
import { recordedRaw } from "../providers/wrapped-run.js";
import { captureWarnings } from "../support/warnings-capture.js";

// The real SDK clients read slow streams from the loopback server: each provider's recorded stream
// with its first text event repeated LONG times (a long answer), one event every few milliseconds.
// Inside an exceeded budget the call in flight must be aborted through the SDK's own signal option:
// the server sees the client hang up, and the next call is refused before it is sent.
const loopback = useLoopbackServer();
const INTERVAL_MS = 4;
const LONG = 200;
const LIMIT = 20;

type Event = Record<string, unknown>;

/** `events` with its first text event repeated `times` times in place of all its text events. */
function stretched(events: readonly Event[], isText: (event: Event) => boolean, times: number): Event[] {
  const first = events.findIndex(isText);
  const last = events.findLastIndex(isText);
  const text = events[first] as Event;
  return [...events.slice(0, first), ...Array.from({ length: times }, () => text), ...events.slice(last + 1)];
}

const sse = (events: Event[], named = false): Reply => ({
  kind: "sse",
  events: events.map((data) => (named ? { event: String(data.type), data } : { data })),
  intervalMs: INTERVAL_MS,
});

interface Case {
  name: string;
  reply: () => Reply;
  /** Streams one call and counts the text events the caller received. */
  stream: (received: { tokens: number }) => Promise<void>;
}

const mistralText = (event: Event): boolean =>
  ((event.choices as { delta?: { content?: string } }[] | undefined)?.[0]?.delta?.content ?? "").length > 0;
const cohereText = (event: Event): boolean => event.type === "content-delta";
const geminiText = (event: Event): boolean =>
  (event.candidates as { content?: { parts?: { text?: string }[] } }[] | undefined)?.[0]?.content?.parts?.[0]?.text !==
  undefined;
const bedrockText = (event: Event): boolean => event.contentBlockDelta !== undefined;

const CASES: Case[] = [
  {
    name: "Mistral (@mistralai/mistralai: the request options' signal)",
    reply: () => sse([...stretched(fixtureRaw("mistral", "chat_stream") as Event[], mistralText, LONG)]),
    async stream(received) {
      const client = wrapMistral(new Mistral({ apiKey: "test-key", serverURL: loopback().url() }));
      const stream = await client.chat.stream({
        model: "mistral-small-latest",
        messages: [{ role: "user", content: "Go" }],
      });
      for await (const event of stream) if (event.data.choices[0]?.delta.content) received.tokens++;
    },
  },
  {
    name: "Cohere (cohere-ai: the request options' abortSignal)",
    reply: () => sse(stretched(recordedRaw("cohere", "chat_v2_stream") as Event[], cohereText, LONG), true),
    async stream(received) {
      const client = wrapCohere(
        new CohereClientV2({ token: "test-key", environment: loopback().url(), maxRetries: 0 }),
      );
      const stream = await client.chatStream({
        model: "command-a-03-2025",
        messages: [{ role: "user", content: "Go" }],
      });
      for await (const event of stream) if (event.type === "content-delta") received.tokens++;
    },
  },
  {
    name: "Gemini (@google/genai: config.abortSignal)",
    reply: () =>
      sse(stretched(fixtureRaw("google_genai", "generate_content_stream_cumulative") as Event[], geminiText, LONG)),
    async stream(received) {
      const client = wrapGoogleGenAI(
        new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: loopback().url() } }),
      );
      const stream = await client.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Go" });
      for await (const chunk of stream) if (chunk.text) received.tokens++;
    },
  },
  {
    name: "Bedrock (@aws-sdk/client-bedrock-runtime: send's abortSignal)",
    reply: () => ({
      kind: "frames",
      contentType: "application/vnd.amazon.eventstream",
      frames: converseFrames(stretched(fixtureRaw("bedrock", "converse_stream") as Event[], bedrockText, LONG)),
      intervalMs: INTERVAL_MS,
    }),
    async stream(received) {
      const client = loopbackBedrockClient(loopback().url());
      const messages = [{ role: "user" as const, content: [{ text: "Go" }] }];
      const command = new ConverseStreamCommand({ modelId: "anthropic.claude-3-5-sonnet-20240620-v1:0", messages });
      const response = await wrapBedrockRuntime(client).send(command);
      for await (const event of response.stream ?? []) if (event.contentBlockDelta) received.tokens++;
    },
  },
];

const warnings = captureWarnings();

describe("withBudget aborts the other wrapped SDKs' streams through their own signal options", () => {
  it.each(CASES)("$name", async ({ reply, stream }) => {
    loopback().reply(reply());
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const received = { tokens: 0 };
    const caught: unknown[] = [];
    const error = await withCallbacks([tracer], () =>
      withBudget({ maxTokens: LIMIT }, async () => {
        await stream(received).catch((thrown: unknown) => caught.push(thrown)); // the agent goes on…
        await stream({ tokens: 0 }); // …and its next call is refused before it is sent
      }),
    ).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    await tracer.forceFlush();
    await loopback().slowStreams[0]?.ended;
    const progress = loopback().slowStreams[0];
    console.log(`limit ${LIMIT} tokens: caller received ${received.tokens}, server wrote ${progress?.written} events`);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(caught).toHaveLength(1);
    expect(received.tokens - LIMIT).toBeGreaterThanOrEqual(0);
    expect(received.tokens - LIMIT).toBeLessThanOrEqual(3);
    expect(progress?.clientLeft).toBe(true);
    expect(progress?.written).toBeLessThan(LONG / 2);
    expect(loopback().requests).toHaveLength(1);
    const runs = exporter.getFinishedRuns().filter((run) => run.run_type === "llm");
    expect(runs.map((run) => run.status)).toEqual(["error", "error"]);
    expect(runs[0]?.completion_tokens).toBe((error as BudgetExceededError).usage.output_tokens);
    // The budget cut the stream: expected, so no missing_usage warning (the run's usage is what the
    // provider reported by then, Gemini's running count, or the estimate marked in extra.usage_estimate).
    expect(warnings.filter((warning) => warning.code === "missing_usage")).toEqual([]);
  });
});
