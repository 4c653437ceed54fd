import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { withCallbacks, withUsageMetadata } from "../../callbacks/index.js";
import type { ChatGeneration, UsageMetadata } from "../../schemas/index.js";
import { InMemoryRunExporter } from "../../src/export/index.js";
import { StreamAbandonedError } from "../../src/providers/wrap/stream-abandoned-error.js";
import { wrapAnthropic, type WrapAnthropicOptions } from "../../src/providers/wrap/wrap-anthropic.js";
import { RunTracer } from "../../src/tracing/index.js";
import { captureWarnings, withoutEmptyDetails } from "../support/providers-helpers.js";
import { useLoopbackServer, anthropicStream, fixtureRaw, fixtureUsage, jsonReply } from "../support/loopback-server.js";
import { RecordingHandler } from "../support/recording-handler.js";

const loopback = useLoopbackServer();
const warnings = captureWarnings();

/** The model the responses name (the fixtures'); requests ask for another, which the SDK does not warn about. */
const MODEL = "claude-sonnet-4-5-20250929";
const REQUEST_MODEL = "claude-haiku-4-5";
const USER = [{ role: "user" as const, content: "Say hello" }];
const STREAM_EVENTS = fixtureRaw("anthropic", "messages_stream") as Record<string, unknown>[];
const STREAM_USAGE = withoutEmptyDetails(fixtureUsage("anthropic", "messages_stream") as UsageMetadata);
const TEXT_DELTAS = ["Hello", "! How can I", " help?"];

function anthropic(
  options?: WrapAnthropicOptions,
  clientOptions: Partial<ConstructorParameters<typeof Anthropic>[0]> = {},
): Anthropic {
  return wrapAnthropic(
    new Anthropic({ apiKey: "test-key", baseURL: loopback().url(), maxRetries: 2, ...clientOptions }),
    options,
  );
}

function generationOf(handler: RecordingHandler): ChatGeneration {
  return handler.end().generations[0]?.[0] as ChatGeneration;
}

function partialOf(handler: RecordingHandler): ChatGeneration | undefined {
  return (handler.error().extraParams?.response as { generations: ChatGeneration[][] } | undefined)
    ?.generations[0]?.[0];
}

describe("wrapAnthropic: messages.create", () => {
  it.each(["messages_plain", "messages_cache_creation_read"])(
    "counts the usage of %s exactly as the fixture expects",
    async (name) => {
      const raw = fixtureRaw("anthropic", name);
      loopback().reply(jsonReply(raw));
      const client = anthropic();
      const { result, usage } = await withUsageMetadata(() =>
        client.messages.create({ model: REQUEST_MODEL, max_tokens: 100, messages: USER }),
      );
      expect(result).toEqual(raw);
      expect(Object.keys(usage)).toEqual([MODEL]);
      expect(withoutEmptyDetails(usage[MODEL])).toEqual(
        withoutEmptyDetails(fixtureUsage("anthropic", name) as UsageMetadata),
      );
    },
  );

  it("reports the system prompt as the first message, and the ls_* metadata of the request", async () => {
    loopback().reply(jsonReply(fixtureRaw("anthropic", "messages_plain")));
    const handler = new RecordingHandler();
    await anthropic({ callbacks: [handler], tags: ["support"] }).messages.create({
      model: REQUEST_MODEL,
      system: "You are terse.",
      messages: USER,
      max_tokens: 100,
      stop_sequences: ["END"],
    });
    const start = handler.start();
    expect(start.messages).toEqual([[{ role: "system", content: "You are terse." }, ...USER]]);
    expect(start.extraParams?.invocation_params).toEqual({
      model: REQUEST_MODEL,
      max_tokens: 100,
      stop_sequences: ["END"],
    });
    expect(start.metadata).toEqual({
      ls_provider: "anthropic",
      ls_model_name: REQUEST_MODEL,
      ls_model_type: "chat",
      ls_max_tokens: 100,
      ls_stop: ["END"],
    });
    expect(start.tags).toEqual(["support"]);
    expect(start.runName).toBe("ChatAnthropic");
    expect(generationOf(handler).message).toMatchObject({
      content: "Hello! How can I help you today?",
      id: "msg_01XFDUDYJgAACzvnptvVoYEL",
      response_metadata: { model_name: MODEL, model_provider: "anthropic", stop_reason: "end_turn" },
    });
  });

  it("keeps .withResponse() and .asResponse() working", async () => {
    loopback().reply(
      jsonReply(fixtureRaw("anthropic", "messages_plain"), 200, { "request-id": "req_anthropic" }),
      jsonReply(fixtureRaw("anthropic", "messages_plain")),
    );
    const handler = new RecordingHandler();
    const client = anthropic({ callbacks: [handler] });
    const { data, request_id } = await client.messages
      .create({ model: REQUEST_MODEL, max_tokens: 100, messages: USER })
      .withResponse();
    expect(data.id).toBe("msg_01XFDUDYJgAACzvnptvVoYEL");
    expect(request_id).toBe("req_anthropic");
    const response = await client.messages
      .create({ model: REQUEST_MODEL, max_tokens: 100, messages: USER })
      .asResponse();
    expect(await response.json()).toEqual(fixtureRaw("anthropic", "messages_plain"));
    await handler.whenEnded();
    expect(handler.ofKind("end").map((event) => event.output.generations[0]?.length)).toEqual([1, 1]);
  });

  it("ends the run as an error on HTTP 500", async () => {
    loopback().reply(jsonReply({ type: "error", error: { type: "api_error", message: "boom" } }, 500));
    const handler = new RecordingHandler();
    const failure = await anthropic({ callbacks: [handler] }, { maxRetries: 0 })
      .messages.create({ model: REQUEST_MODEL, max_tokens: 100, messages: USER })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.InternalServerError);
    expect(handler.error().error).toBe(failure);
    expect(handler.ofKind("end")).toHaveLength(0);
  });

  it("makes one successful run of a call the SDK retries after a 429", async () => {
    loopback().reply(
      jsonReply({ type: "error", error: { type: "rate_limit_error", message: "slow down" } }, 429, {
        "retry-after-ms": "5",
      }),
      jsonReply(fixtureRaw("anthropic", "messages_plain")),
    );
    const handler = new RecordingHandler();
    await anthropic({ callbacks: [handler] }).messages.create({
      model: REQUEST_MODEL,
      max_tokens: 100,
      messages: USER,
    });
    expect(loopback().requests).toHaveLength(2);
    expect(handler.events.map((event) => event.kind)).toEqual(["start", "end"]);
  });

  it("instruments beta.messages.create too", async () => {
    loopback().reply(jsonReply(fixtureRaw("anthropic", "messages_cache_creation_read")));
    const handler = new RecordingHandler();
    await anthropic({ callbacks: [handler] }).beta.messages.create({
      model: REQUEST_MODEL,
      max_tokens: 100,
      messages: USER,
    });
    expect(generationOf(handler).message.usage_metadata).toMatchObject({
      input_tokens: 9,
      output_tokens: 1,
      total_tokens: 10,
    });
  });
});

describe("wrapAnthropic: message threads (which read the response raw)", () => {
  it("records a thread's send() with its usage, and ends a thread's stream without output, with a warning", async () => {
    loopback().reply(jsonReply(fixtureRaw("anthropic", "messages_plain")), anthropicStream(STREAM_EVENTS));
    const handler = new RecordingHandler();
    const thread = anthropic({ callbacks: [handler] }).beta.messages.thread({ model: REQUEST_MODEL, max_tokens: 100 });
    const reply = await thread.send({ role: "user", content: "Say hello" });
    expect(reply.id).toBe("msg_01XFDUDYJgAACzvnptvVoYEL");
    await handler.whenEnded();
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(24);

    const final = await thread.stream({ role: "user", content: "And again" }).finalMessage();
    expect(final.usage.output_tokens).toBe(50);
    expect(handler.ofKind("start")).toHaveLength(2);
    expect(handler.ofKind("end")[1]?.output).toEqual({ generations: [[]] });
    expect(warnings.map((warning) => warning.code)).toContain("unobserved_response");
  });
});

describe("wrapAnthropic: streams", () => {
  it("reports one token per text delta and the usage of a create({ stream: true })", async () => {
    loopback().reply(anthropicStream(STREAM_EVENTS));
    const handler = new RecordingHandler();
    const client = anthropic({ callbacks: [handler] });
    const seen: unknown[] = [];
    const { usage } = await withUsageMetadata(async () => {
      const stream = await client.messages.create({
        model: REQUEST_MODEL,
        max_tokens: 100,
        messages: USER,
        stream: true,
      });
      for await (const event of stream) seen.push(event);
    });
    expect(seen).toEqual(STREAM_EVENTS.filter((event) => event.type !== "ping")); // the SDK drops pings
    expect(handler.tokens()).toEqual(TEXT_DELTAS);
    expect(handler.ofKind("token").every((event) => seen.includes(event.chunk))).toBe(true);
    expect(withoutEmptyDetails(usage[MODEL])).toEqual(STREAM_USAGE);
  });

  it("makes messages.stream() one run: .on('text'), finalMessage() and the usage", async () => {
    loopback().reply(anthropicStream(STREAM_EVENTS));
    const handler = new RecordingHandler();
    const client = anthropic({ callbacks: [handler] });
    const texts: string[] = [];
    const { result, usage } = await withUsageMetadata(async () => {
      const stream = client.messages.stream({ model: REQUEST_MODEL, max_tokens: 100, messages: USER });
      stream.on("text", (delta) => texts.push(delta));
      return stream.finalMessage();
    });
    expect(texts).toEqual(TEXT_DELTAS);
    expect(result.content).toEqual([{ type: "text", text: "Hello! How can I help?" }]);
    expect(loopback().requests).toHaveLength(1);
    expect(handler.ofKind("start")).toHaveLength(1);
    expect(handler.tokens()).toEqual(TEXT_DELTAS);
    expect(withoutEmptyDetails(usage[MODEL])).toEqual(STREAM_USAGE);
  });

  it("supports async iteration of a MessageStream", async () => {
    loopback().reply(anthropicStream(STREAM_EVENTS));
    const handler = new RecordingHandler();
    const stream = anthropic({ callbacks: [handler] }).messages.stream({
      model: REQUEST_MODEL,
      max_tokens: 100,
      messages: USER,
    });
    const types: unknown[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(STREAM_EVENTS.filter((event) => event.type !== "ping").map((event) => event.type));
    expect(handler.tokens()).toEqual(TEXT_DELTAS);
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(185);
  });

  it("ends a stream that breaks in the middle as an error, keeping the usage message_start reported", async () => {
    loopback().reply(anthropicStream(STREAM_EVENTS, 5)); // message_start, block start, ping, two deltas
    const handler = new RecordingHandler();
    const stream = anthropic({ callbacks: [handler] }).messages.stream({
      model: REQUEST_MODEL,
      max_tokens: 100,
      messages: USER,
    });
    const failure = await stream.finalMessage().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(handler.tokens()).toEqual(TEXT_DELTAS.slice(0, 2));
    const partial = partialOf(handler);
    expect(partial?.text).toBe("Hello! How can I");
    // The input (and cache) tokens were billed: message_start reported them before the break.
    expect(partial?.message.usage_metadata).toMatchObject({
      input_tokens: 135,
      input_token_details: { cache_read: 25, cache_creation: 10 },
    });
    expect(handler.ofKind("end")).toHaveLength(0);
  });

  it("ends an abandoned stream (early break) as a StreamAbandonedError", async () => {
    loopback().reply(anthropicStream(STREAM_EVENTS));
    const handler = new RecordingHandler();
    const stream = await anthropic({ callbacks: [handler] }).messages.create({
      model: REQUEST_MODEL,
      max_tokens: 100,
      messages: USER,
      stream: true,
    });
    for await (const event of stream) {
      if (event.type === "content_block_delta") break;
    }
    expect(handler.error().error).toBeInstanceOf(StreamAbandonedError);
    expect(partialOf(handler)?.text).toBe("Hello");
  });

  it("shows the run with its usage in a RunTracer", async () => {
    loopback().reply(anthropicStream(STREAM_EVENTS));
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const client = anthropic();
    await withCallbacks([tracer], () =>
      client.messages.stream({ model: REQUEST_MODEL, max_tokens: 100, messages: USER }).finalMessage(),
    );
    await tracer.forceFlush();
    const [run] = exporter.getFinishedRuns();
    expect(run).toMatchObject({
      name: "ChatAnthropic",
      run_type: "llm",
      prompt_tokens: 135,
      completion_tokens: 50,
      total_tokens: 185,
    });
    expect(run?.first_token_time).toEqual(expect.any(String));
  });
});

describe("wrapAnthropic: the client", () => {
  it("leaves other methods alone and keeps withOptions() clients wrapped", async () => {
    loopback().reply(
      jsonReply({
        data: [{ type: "model", id: MODEL, display_name: "Claude", created_at: "2025-09-29T00:00:00Z" }],
        has_more: false,
        first_id: MODEL,
        last_id: MODEL,
      }),
      jsonReply(fixtureRaw("anthropic", "messages_plain")),
    );
    const handler = new RecordingHandler();
    const client = anthropic({ callbacks: [handler] });
    expect(client).toBeInstanceOf(Anthropic);
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual([MODEL]);
    expect(handler.events).toEqual([]);
    const copy = client.withOptions({ timeout: 5_000 });
    expect(copy).toBeInstanceOf(Anthropic);
    await copy.messages.create({ model: REQUEST_MODEL, max_tokens: 100, messages: USER });
    expect(handler.events.map((event) => event.kind)).toEqual(["start", "end"]);
  });

  it("is idempotent: wrapping twice does not report twice", async () => {
    loopback().reply(jsonReply(fixtureRaw("anthropic", "messages_plain")));
    const handler = new RecordingHandler();
    const client = wrapAnthropic(anthropic({ callbacks: [handler] }));
    await client.messages.create({ model: REQUEST_MODEL, max_tokens: 100, messages: USER });
    expect(handler.events.map((event) => event.kind)).toEqual(["start", "end"]);
  });
});
