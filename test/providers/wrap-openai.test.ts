import { trace } from "@opentelemetry/api";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { withCallbacks, withUsageMetadata, type CallbackHandler } from "../../callbacks/index.js";
import { getCallbackContext } from "../../callbacks/context.js";
import type { ChatGeneration, UsageMetadata } from "../../schemas/index.js";
import { InMemoryRunExporter } from "../../src/export/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { StreamAbandonedError } from "../../src/providers/wrap/stream-abandoned-error.js";
import { wrapOpenAI, type WrapOpenAIOptions } from "../../src/providers/wrap/wrap-openai.js";
import { RunTracer, traceable } from "../../src/tracing/index.js";
import { captureWarnings, withoutEmptyDetails } from "../support/providers-helpers.js";
import { useLoopbackServer, fixtureRaw, fixtureUsage, jsonReply, openAIStream } from "../support/loopback-server.js";
import { RecordingHandler } from "../support/recording-handler.js";
import { testTracing, useContextManager } from "../support/otel-setup.js";

const loopback = useLoopbackServer();
const warnings = captureWarnings();
useContextManager();

const USER = [{ role: "user" as const, content: "Say hello" }];
const STREAM_CHUNKS = fixtureRaw("openai", "chat_completions_stream_include_usage") as Record<string, unknown>[];
const RESPONSE_EVENTS = fixtureRaw("openai", "responses_stream") as Record<string, unknown>[];

function openai(
  options?: WrapOpenAIOptions,
  clientOptions: Partial<ConstructorParameters<typeof OpenAI>[0]> = {},
): OpenAI {
  return wrapOpenAI(
    new OpenAI({ apiKey: "test-key", baseURL: loopback().url("/v1"), maxRetries: 2, ...clientOptions }),
    options,
  );
}

function expectedUsage(name: string): UsageMetadata | undefined {
  return withoutEmptyDetails(fixtureUsage("openai", name) as UsageMetadata);
}

function usageOf(usage: Record<string, UsageMetadata>, model: string): UsageMetadata | undefined {
  return withoutEmptyDetails(usage[model]);
}

function generationOf(handler: RecordingHandler): ChatGeneration {
  return handler.end().generations[0]?.[0] as ChatGeneration;
}

describe("wrapOpenAI: chat.completions.create", () => {
  it.each([
    ["chat_completions_plain", "gpt-4o-mini-2024-07-18"],
    ["chat_completions_cached_reasoning", "o4-mini-2025-04-16"],
    ["chat_completions_cache_write_tokens", "gpt-5.1-2025-11-13"],
  ])("counts the usage of %s exactly as the fixture expects", async (name, model) => {
    const raw = fixtureRaw("openai", name);
    loopback().reply(jsonReply(raw));
    const client = openai();
    const { result, usage } = await withUsageMetadata(() =>
      client.chat.completions.create({ model: "m", messages: USER }),
    );
    expect(result).toEqual(raw);
    expect(Object.keys(usage)).toEqual([model]);
    expect(usageOf(usage, model)).toEqual(expectedUsage(name));
  });

  it("reports the start with messages, invocation params, ls_* metadata, tags and run name, then the end", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const handler = new RecordingHandler();
    const client = openai({
      callbacks: [handler],
      tags: ["checkout"],
      metadata: { feature: "greeting" },
      runName: "greeter",
    });
    const request = { model: "gpt-4o-mini", messages: USER, temperature: 0.2, max_tokens: 64, stop: "\n" };
    await client.chat.completions.create(request);

    const start = handler.start();
    expect(start.messages).toEqual([USER]);
    expect(start.extraParams?.invocation_params).toEqual({
      model: "gpt-4o-mini",
      temperature: 0.2,
      max_tokens: 64,
      stop: "\n",
    });
    expect(start.metadata).toMatchObject({
      feature: "greeting",
      ls_provider: "openai",
      ls_model_name: "gpt-4o-mini",
      ls_model_type: "chat",
      ls_temperature: 0.2,
      ls_max_tokens: 64,
      ls_stop: ["\n"],
    });
    expect(start.tags).toEqual(["checkout"]);
    expect(start.runName).toBe("greeter");
    expect(handler.tokens()).toEqual([]);

    const generation = generationOf(handler);
    expect(generation.text).toBe("Hello! How can I assist you today?");
    expect(generation.message).toMatchObject({
      content: "Hello! How can I assist you today?",
      tool_calls: [],
      id: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
      response_metadata: { model_name: "gpt-4o-mini-2024-07-18", model_provider: "openai", finish_reason: "stop" },
      usage_metadata: { input_tokens: 11, output_tokens: 15, total_tokens: 26 },
    });
    expect(handler.end().llmOutput).toEqual({
      tokenUsage: { promptTokens: 11, completionTokens: 15, totalTokens: 26 },
    });
  });

  it("names runs ChatOpenAI and leaves ls_* keys out when the request does not give them", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const handler = new RecordingHandler();
    await openai({ callbacks: [handler] }).chat.completions.create({ model: "gpt-4o-mini", messages: USER });
    const start = handler.start();
    expect(start.runName).toBe("ChatOpenAI");
    const { port } = new URL(loopback().url());
    expect(start.metadata).toEqual({
      ls_provider: "openai",
      ls_model_name: "gpt-4o-mini",
      ls_model_type: "chat",
      server_address: "127.0.0.1",
      server_port: Number(port),
    });
  });

  it("ends the run after awaited handlers, before the caller's await resumes", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    let ended = false;
    const slow: CallbackHandler = {
      awaitHandlers: true,
      handleLLMEnd: () => new Promise<void>((resolve) => setImmediate(() => ((ended = true), resolve()))),
    };
    await openai({ callbacks: [slow] }).chat.completions.create({ model: "gpt-4o-mini", messages: USER });
    expect(ended).toBe(true);
  });
});

describe("wrapOpenAI: streams", () => {
  it("reports one token per text delta and the usage, hiding the usage chunk it asked for", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const client = openai({ callbacks: [handler] });
    const seen: unknown[] = [];
    const { usage } = await withUsageMetadata(async () => {
      const stream = await client.chat.completions.create({ model: "gpt-5.5", messages: USER, stream: true });
      for await (const chunk of stream) seen.push(chunk);
    });

    expect(loopback().requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(seen).toEqual(STREAM_CHUNKS.slice(0, -1)); // the caller did not ask for the usage chunk
    expect(handler.tokens()).toEqual(["我是", "助手", "。"]);
    expect(handler.ofKind("token").map((event) => event.chunk)).toEqual([seen[1], seen[2], seen[3]]);
    expect(handler.ofKind("token")[0]?.chunk).toBe(seen[1]); // the raw chunk itself
    expect(usageOf(usage, "gpt-5.5")).toEqual(expectedUsage("chat_completions_stream_include_usage"));
    expect(generationOf(handler).message.usage_metadata).toEqual(usage["gpt-5.5"]);
    expect(generationOf(handler).text).toBe("我是助手。");
  });

  it("sends a request that sets include_usage unchanged and shows every chunk", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const client = openai();
    const seen: unknown[] = [];
    const { usage } = await withUsageMetadata(async () => {
      const stream = await client.chat.completions.create({
        model: "gpt-5.5",
        messages: USER,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) seen.push(chunk);
    });
    expect(seen).toEqual(STREAM_CHUNKS);
    expect(usageOf(usage, "gpt-5.5")).toEqual(expectedUsage("chat_completions_stream_include_usage"));
  });

  it("asks for nothing with includeStreamUsage: false, and the run then has no usage", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS.slice(0, -1)));
    const handler = new RecordingHandler();
    const client = openai({ callbacks: [handler], includeStreamUsage: false });
    const { usage } = await withUsageMetadata(async () => {
      const stream = await client.chat.completions.create({ model: "gpt-5.5", messages: USER, stream: true });
      for await (const chunk of stream) void chunk;
    });
    expect(loopback().requests[0]?.body).not.toHaveProperty("stream_options");
    expect(handler.tokens()).toHaveLength(3);
    expect(generationOf(handler).message.usage_metadata).toBeUndefined();
    expect(usage).toEqual({});
    expect(warnings.some((warning) => warning.message.includes("include_usage"))).toBe(true);
  });

  it("streams the Responses API: tokens for output_text deltas, usage from response.completed", async () => {
    loopback().reply(openAIStream(RESPONSE_EVENTS));
    const handler = new RecordingHandler();
    const client = openai({ callbacks: [handler] });
    const { usage } = await withUsageMetadata(async () => {
      const stream = await client.responses.create({ model: "o4-mini", input: "Hi", stream: true });
      for await (const event of stream) void event;
    });
    expect(loopback().requests[0]?.body).not.toHaveProperty("stream_options");
    expect(handler.tokens()).toEqual(["Hello", " there!"]);
    expect(usageOf(usage, "o4-mini-2025-04-16")).toEqual(expectedUsage("responses_stream"));
    expect(generationOf(handler).message.id).toBe("resp_stream_0001");
  });

  it("ends a stream that breaks in the middle as an error, with the partial output", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS, 3));
    const handler = new RecordingHandler();
    const stream = await openai({ callbacks: [handler] }).chat.completions.create({
      model: "gpt-5.5",
      messages: USER,
      stream: true,
    });
    const seen: unknown[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(seen).toHaveLength(3);
    expect(handler.tokens()).toEqual(["我是", "助手"]);
    const error = handler.error();
    expect(error.error).toBe(failure);
    const partial = (error.extraParams?.response as { generations: ChatGeneration[][] }).generations[0]?.[0];
    expect(partial?.text).toBe("我是助手");
    // OpenAI reports usage only at the end of a stream: none was seen. The streamed tokens were billed:
    // one output token per text delta (what withBudget counts), marked as an estimate.
    expect(partial?.message.usage_metadata).toEqual({ input_tokens: 0, output_tokens: 2, total_tokens: 2 });
    expect(error.extraParams?.usage_estimate).toEqual({
      input_tokens: "not_reported",
      output_tokens: "streamed_tokens",
    });
    expect(handler.ofKind("end")).toHaveLength(0);
    // The wrapper asked for usage itself: the warning says the stream was cut off, not "request it".
    expect(loopback().requests[0]?.body).toMatchObject({ stream_options: { include_usage: true } });
    const missing = warnings.filter((warning) => warning.code === "missing_usage").map((warning) => warning.message);
    expect(missing.some((message) => message.includes("ended before its usage chunk"))).toBe(true);
    expect(missing.some((message) => message.includes("request it"))).toBe(false);
    // The server broke the stream: a warning, saying what the run carries (not "left undefined").
    expect(missing).toHaveLength(1);
    expect(missing[0]).toContain("usage estimated from the 2 tokens streamed before it was cut (extra.usage_estimate)");
    expect(missing[0]).not.toContain("left undefined");
  });

  it("ends an abandoned stream (early break) as a StreamAbandonedError with the partial output", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const stream = await openai({ callbacks: [handler] }).chat.completions.create({
      model: "gpt-5.5",
      messages: USER,
      stream: true,
    });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content === "我是") break;
    }
    const error = handler.error();
    expect(error.error).toBeInstanceOf(StreamAbandonedError);
    expect((error.extraParams?.response as { generations: ChatGeneration[][] }).generations[0]?.[0]?.text).toBe("我是");
    expect(stream.controller.signal.aborted).toBe(true); // the SDK still aborts the request
    expect(handler.ofKind("end")).toHaveLength(0);
    // The caller cut the stream: its usage is the estimate the run is marked with, no warning.
    expect(error.extraParams?.usage_estimate).toEqual({
      input_tokens: "not_reported",
      output_tokens: "streamed_tokens",
    });
    expect(warnings.filter((warning) => warning.code === "missing_usage")).toEqual([]);
  });

  it("ends a stream aborted through its controller as an error", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const stream = await openai({ callbacks: [handler] }).chat.completions.create({
      model: "gpt-5.5",
      messages: USER,
      stream: true,
    });
    let count = 0;
    for await (const chunk of stream) {
      void chunk;
      if (++count === 2) stream.controller.abort();
    }
    expect((handler.error().error as Error).name).toBe("AbortError");
    expect(warnings.filter((warning) => warning.code === "missing_usage")).toEqual([]);
  });

  it("instruments toReadableStream() once, with the usage chunk hidden", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const stream = await openai({ callbacks: [handler] }).chat.completions.create({
      model: "gpt-5.5",
      messages: USER,
      stream: true,
    });
    const text = await new Response(stream.toReadableStream()).text();
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual(STREAM_CHUNKS.slice(0, -1));
    expect(handler.tokens()).toHaveLength(3);
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(17);
  });

  it("counts a tee()d stream once while both branches see every chunk", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const stream = await openai({ callbacks: [handler] }).chat.completions.create({
      model: "gpt-5.5",
      messages: USER,
      stream: true,
    });
    const [left, right] = stream.tee();
    const read = async (branch: AsyncIterable<unknown>): Promise<unknown[]> => {
      const chunks: unknown[] = [];
      for await (const chunk of branch) chunks.push(chunk);
      return chunks;
    };
    const [a, b] = await Promise.all([read(left), read(right)]);
    expect(a).toHaveLength(5);
    expect(b).toEqual(a);
    expect(handler.tokens()).toHaveLength(3);
    expect(handler.ofKind("end")).toHaveLength(1);
  });

  it("routes chat.completions.stream() through the instrumented create: one run, usage counted", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const client = openai({ callbacks: [handler] });
    const deltas: string[] = [];
    const { result, usage } = await withUsageMetadata(async () => {
      const runner = client.chat.completions.stream({ model: "gpt-5.5", messages: USER });
      runner.on("content", (delta) => deltas.push(delta));
      return runner.finalChatCompletion();
    });
    expect(result.choices[0]?.message.content).toBe("我是助手。");
    expect(deltas).toEqual(["我是", "助手", "。"]);
    expect(loopback().requests).toHaveLength(1);
    expect(handler.ofKind("start")).toHaveLength(1);
    expect(handler.tokens()).toEqual(deltas);
    expect(usageOf(usage, "gpt-5.5")).toEqual(expectedUsage("chat_completions_stream_include_usage"));
  });

  it("routes responses.stream() through the instrumented create", async () => {
    loopback().reply(openAIStream(RESPONSE_EVENTS));
    const handler = new RecordingHandler();
    const runner = openai({ callbacks: [handler] }).responses.stream({ model: "o4-mini", input: "Hi" });
    const final = await runner.finalResponse();
    expect(final.output_text).toBe("Hello there!");
    expect(handler.ofKind("start")).toHaveLength(1);
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(2052);
  });
});

describe("wrapOpenAI: the SDK's promise and errors", () => {
  it("keeps .withResponse() working", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain"), 200, { "x-request-id": "req_wrapped" }));
    const handler = new RecordingHandler();
    const promise = openai({ callbacks: [handler] }).chat.completions.create({ model: "gpt-4o-mini", messages: USER });
    const { data, response, request_id } = await promise.withResponse();
    expect(data.id).toBe("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
    expect(response.status).toBe(200);
    expect(request_id).toBe("req_wrapped");
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(26);
  });

  it("keeps .asResponse() working: the caller reads the body, the run reads a copy", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const handler = new RecordingHandler();
    const response = await openai({ callbacks: [handler] })
      .chat.completions.create({ model: "gpt-4o-mini", messages: USER })
      .asResponse();
    expect(await response.json()).toEqual(fixtureRaw("openai", "chat_completions_plain"));
    await handler.whenEnded();
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(26);
  });

  it("ends a stream taken raw with .asResponse() without output, and says so", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const response = await openai({ callbacks: [handler] })
      .chat.completions.create({ model: "gpt-5.5", messages: USER, stream: true })
      .asResponse();
    expect(await response.text()).toContain("data: [DONE]");
    expect(handler.end()).toEqual({ generations: [[]] });
    expect(warnings.map((warning) => warning.code)).toContain("unobserved_response");
  });

  it("routes chat.completions.parse() (built on _thenUnwrap) through one run", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const handler = new RecordingHandler();
    const parsed = await openai({ callbacks: [handler] }).chat.completions.parse({
      model: "gpt-4o-mini",
      messages: USER,
    });
    expect(parsed.choices[0]?.message.parsed).toBeNull();
    expect(handler.ofKind("start")).toHaveLength(1);
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(26);
  });

  it("keeps the Responses helpers: output_text on a plain response, input and instructions as messages", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "responses_plain")));
    const handler = new RecordingHandler();
    const client = openai({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(() =>
      client.responses.create({
        model: "o4-mini",
        instructions: "Be brief",
        input: "Tell me a story",
        max_output_tokens: 200,
      }),
    );
    expect(result.output_text).toMatch(/^In a peaceful grove/);
    const start = handler.start();
    expect(start.messages).toEqual([
      [
        { role: "system", content: "Be brief" },
        { role: "user", content: "Tell me a story" },
      ],
    ]);
    expect(start.extraParams?.invocation_params).toEqual({ model: "o4-mini", max_output_tokens: 200 });
    expect(start.metadata?.ls_max_tokens).toBe(200);
    expect(usageOf(usage, "gpt-4.1-2025-04-14")).toEqual(expectedUsage("responses_plain"));
  });

  it("ends the run as an error on HTTP 500, and the caller gets the SDK's error", async () => {
    loopback().reply(jsonReply({ error: { message: "boom", type: "server_error" } }, 500));
    const handler = new RecordingHandler();
    const failure = await openai({ callbacks: [handler] }, { maxRetries: 0 })
      .chat.completions.create({ model: "gpt-4o-mini", messages: USER })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError);
    expect(handler.error().error).toBe(failure);
    expect(handler.ofKind("end")).toHaveLength(0);
    expect(loopback().requests).toHaveLength(1);
  });

  it("makes one successful run of a call the SDK retries after a 429", async () => {
    loopback().reply(
      jsonReply({ error: { message: "slow down", type: "rate_limit_exceeded" } }, 429, { "retry-after-ms": "5" }),
      jsonReply(fixtureRaw("openai", "chat_completions_plain")),
    );
    const handler = new RecordingHandler();
    const client = openai({ callbacks: [handler] });
    const { usage } = await withUsageMetadata(() =>
      client.chat.completions.create({ model: "gpt-4o-mini", messages: USER }),
    );
    expect(loopback().requests).toHaveLength(2);
    expect(handler.ofKind("start")).toHaveLength(1);
    expect(handler.ofKind("error")).toHaveLength(0);
    expect(handler.ofKind("end")).toHaveLength(1);
    expect(usage["gpt-4o-mini-2024-07-18"]?.total_tokens).toBe(26);
  });

  it("ends the run as an error when the caller aborts the request", async () => {
    const handler = new RecordingHandler();
    const controller = new AbortController();
    controller.abort();
    const failure = await openai({ callbacks: [handler] })
      .chat.completions.create({ model: "gpt-4o-mini", messages: USER }, { signal: controller.signal })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(handler.error().error).toBe(failure);
  });
});

describe("wrapOpenAI: the client", () => {
  it("leaves other methods and properties alone", async () => {
    loopback().reply(
      jsonReply({ object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 1, owned_by: "openai" }] }),
    );
    const handler = new RecordingHandler();
    const client = openai({ callbacks: [handler] });
    expect(client).toBeInstanceOf(OpenAI);
    expect(client.apiKey).toBe("test-key");
    expect(client.baseURL).toBe(loopback().url("/v1"));
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(["gpt-4o-mini"]);
    expect(client.chat.completions).toBe(client.chat.completions);
    expect(handler.events).toEqual([]);
  });

  it("keeps withOptions() clients wrapped", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const handler = new RecordingHandler();
    const copy = openai({ callbacks: [handler] }).withOptions({ timeout: 5_000 });
    expect(copy).toBeInstanceOf(OpenAI);
    expect(copy.timeout).toBe(5_000);
    await copy.chat.completions.create({ model: "gpt-4o-mini", messages: USER });
    expect(handler.ofKind("end")).toHaveLength(1);
  });

  it("is idempotent: a client wrapped twice reports each event once, to the handlers of both", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const first = new RecordingHandler();
    const second = new RecordingHandler();
    const ambient = new RecordingHandler();
    const client = wrapOpenAI(openai({ callbacks: [first], tags: ["a"] }), { callbacks: [second], tags: ["b"] });
    await withCallbacks([ambient], () => client.chat.completions.create({ model: "gpt-4o-mini", messages: USER }));
    for (const handler of [first, second, ambient]) {
      expect(handler.events.map((event) => event.kind)).toEqual(["start", "end"]);
    }
    expect(first.start().tags).toEqual(["a", "b"]);
  });

  it("runs the HTTP call inside the run's context, under the enclosing traced run", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    let parentDuringFetch: string | undefined;
    const observingFetch: typeof fetch = (input, init) => {
      parentDuringFetch = getCallbackContext().parentRunId;
      return fetch(input, init);
    };
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const client = openai({}, { fetch: observingFetch });
    const agent = traceable(() => client.chat.completions.create({ model: "gpt-4o-mini", messages: USER }), {
      name: "agent",
    });
    await withCallbacks([tracer], () => agent());
    await tracer.forceFlush();
    const runs = exporter.getFinishedRuns();
    const llm = runs.find((run) => run.run_type === "llm");
    const parent = runs.find((run) => run.name === "agent");
    expect(llm?.parent_run_id).toBe(parent?.id);
    expect(parentDuringFetch).toBe(llm?.id);
  });

  it("makes the run's OpenTelemetry span current for the HTTP call", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const tracing = testTracing();
    let activeDuringFetch: string | undefined;
    const observingFetch: typeof fetch = (input, init) => {
      activeDuringFetch = trace.getActiveSpan()?.spanContext().spanId;
      return fetch(input, init);
    };
    const client = openai(
      { callbacks: [new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider })] },
      { fetch: observingFetch },
    );
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: USER });
    const span = tracing.span("chat gpt-4o-mini");
    expect(activeDuringFetch).toBe(span.spanContext().spanId);
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBe(11);
  });

  it("gives its span and metrics the client's server, the provider and the requested output type", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const tracing = testTracing();
    const client = openai({ callbacks: [new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider })] });
    await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: USER,
      response_format: { type: "json_object" },
    });
    // The oracle: where the real client sent the request.
    const baseURL = new URL(client.baseURL);
    const span = tracing.span("chat gpt-4o-mini");
    expect(span.attributes).toMatchObject({
      "server.address": baseURL.hostname,
      "server.port": Number(baseURL.port),
      "gen_ai.provider.name": "openai",
      "gen_ai.output.type": "json",
    });
  });

  it("shows the run with its usage in a RunTracer", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const client = openai();
    await withCallbacks([tracer], async () => {
      const stream = await client.chat.completions.create({ model: "gpt-5.5", messages: USER, stream: true });
      for await (const chunk of stream) void chunk;
    });
    await tracer.forceFlush();
    const [run] = exporter.getFinishedRuns();
    expect(run).toMatchObject({
      name: "ChatOpenAI",
      run_type: "llm",
      prompt_tokens: 14,
      completion_tokens: 3,
      total_tokens: 17,
    });
    expect(run?.first_token_time).toEqual(expect.any(String));
    expect(run?.outputs?.usage_metadata).toMatchObject({ input_tokens: 14, output_tokens: 3, total_tokens: 17 });
  });

  it("wraps any client of the same shape, including ones that return plain promises and async iterables", async () => {
    const chunks = STREAM_CHUNKS;
    const structural = {
      chat: {
        completions: {
          create: async (body: { stream?: boolean }) =>
            body.stream === true
              ? (async function* () {
                  yield* chunks;
                })()
              : fixtureRaw("openai", "chat_completions_plain"),
        },
      },
    };
    const handler = new RecordingHandler();
    const client = wrapOpenAI(structural, { callbacks: [handler] });
    const stream = (await client.chat.completions.create({ stream: true })) as AsyncIterable<unknown>;
    const seen: unknown[] = [];
    for await (const chunk of stream) seen.push(chunk);
    expect(seen).toHaveLength(5);
    expect(handler.tokens()).toEqual(["我是", "助手", "。"]);
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(17);
  });

  it("copes with frozen results: a frozen promise is observed through a plain one, a frozen stream is read unobserved", async () => {
    class SdkPromise<T> extends Promise<T> {}
    const raw = fixtureRaw("openai", "chat_completions_plain");
    const frozenStream = Object.freeze({
      async *[Symbol.asyncIterator]() {
        yield* STREAM_CHUNKS;
      },
    });
    const handler = new RecordingHandler();
    const client = wrapOpenAI(
      {
        chat: {
          completions: {
            create: (body: { stream?: boolean; model?: string; messages?: unknown }) =>
              Object.freeze(SdkPromise.resolve(body.stream === true ? frozenStream : raw)),
          },
        },
      },
      { callbacks: [handler] },
    );
    expect(await client.chat.completions.create({ model: "gpt-4o-mini", messages: USER })).toBe(raw);
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(26);

    const stream = (await client.chat.completions.create({ stream: true })) as AsyncIterable<unknown>;
    const seen: unknown[] = [];
    for await (const chunk of stream) seen.push(chunk);
    expect(seen).toEqual(STREAM_CHUNKS);
    expect(handler.ofKind("end")[1]?.output).toEqual({ generations: [[]] });
    expect(warnings.map((warning) => warning.code)).toContain("unobserved_response");
  });

  it("observes a synchronous result at once", () => {
    const raw = fixtureRaw("openai", "chat_completions_plain");
    const handler = new RecordingHandler();
    const client = wrapOpenAI({ chat: { completions: { create: (_body: unknown) => raw } } }, { callbacks: [handler] });
    expect(client.chat.completions.create({ model: "gpt-4o-mini", messages: USER })).toBe(raw);
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(26);
  });

  it("reports each choice's deltas under its completion index (n > 1), trusting only sane indices", async () => {
    const chunk = (choices: unknown[]): Record<string, unknown> => ({ ...STREAM_CHUNKS[1], choices });
    const chunks = [
      chunk([
        { index: 0, delta: { content: "a" } },
        { index: 1, delta: { content: "b" } },
      ]),
      chunk([
        { index: -1, delta: { content: "c" } },
        { index: 1.5, delta: { content: "d" } },
      ]),
    ];
    const handler = new RecordingHandler();
    const client = wrapOpenAI(
      {
        chat: {
          completions: {
            create: async (_body: unknown) =>
              (async function* () {
                yield* chunks;
              })(),
          },
        },
      },
      { callbacks: [handler] },
    );
    const stream = (await client.chat.completions.create({ stream: true })) as AsyncIterable<unknown>;
    for await (const item of stream) void item;
    expect(handler.ofKind("token").map((event) => [event.token, event.idx.completion])).toEqual([
      ["a", 0],
      ["b", 1],
      ["c", 0],
      ["d", 1],
    ]);
  });
});
