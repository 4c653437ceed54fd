import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, stepCountIs, streamText, tool, wrapLanguageModel, wrapProvider } from "ai";
import { MockLanguageModelV3, simulateReadableStream } from "ai/test";
import { createAnthropic as createAnthropicV2 } from "ai-sdk-anthropic-v2";
import { createGoogleGenerativeAI as createGoogleV2 } from "ai-sdk-google-v2";
import { describe, expect, it } from "vitest";
import { withCallbacks, withUsageMetadata } from "../../callbacks/index.js";
import type { ChatGeneration, UsageMetadata } from "../../schemas/index.js";
import { runledgerMiddleware, wrapAISDKModel } from "../../src/ai-sdk/index.js";
import { InMemoryRunExporter } from "../../src/export/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { StreamAbandonedError } from "../../src/providers/index.js";
import { RunTracer } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/providers-helpers.js";
import {
  anthropicStream,
  fixtureRaw,
  fixtureUsage,
  jsonReply,
  openAIStream,
  useLoopbackServer,
} from "../support/loopback-server.js";
import { RecordingHandler } from "../support/recording-handler.js";
import { testTracing, useContextManager } from "../support/otel-setup.js";

const loopback = useLoopbackServer();
const warnings = captureWarnings();
useContextManager();

function generationOf(handler: RecordingHandler): ChatGeneration {
  return handler.end().generations[0]?.[0] as ChatGeneration;
}

/**
 * The part of a usage record the AI SDK can carry: its usage has no audio or other modality counts,
 * only totals, cache reads and writes, and reasoning (zero subsets are left out: the provider
 * packages report 0 for a count the payload does not give).
 */
function aiSdkVisible(usage: unknown): UsageMetadata {
  const { input_token_details: input, output_token_details: output, ...totals } = usage as UsageMetadata;
  const out: UsageMetadata = { ...totals };
  const inputDetails = pick(input, ["cache_read", "cache_creation"]);
  const outputDetails = pick(output, ["reasoning"]);
  if (inputDetails !== undefined) out.input_token_details = inputDetails;
  if (outputDetails !== undefined) out.output_token_details = outputDetails;
  return out;
}

function pick(
  details: Record<string, number | undefined> | undefined,
  keys: string[],
): Record<string, number> | undefined {
  const out = Object.fromEntries(keys.filter((key) => (details?.[key] ?? 0) > 0).map((key) => [key, details![key]]));
  return Object.keys(out).length > 0 ? (out as Record<string, number>) : undefined;
}

function openai() {
  return createOpenAI({ apiKey: "test-key", baseURL: loopback().url("/v1") });
}

function anthropic() {
  return createAnthropic({ apiKey: "test-key", baseURL: loopback().url("/v1") });
}

describe("runledgerMiddleware with @ai-sdk/openai (LanguageModelV3) against recorded payloads", () => {
  it("counts a plain call's usage as the fixture expects: cached input inside input_tokens, reasoning inside output", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_cached_reasoning")));
    const handler = new RecordingHandler();
    const model = wrapLanguageModel({
      model: openai().chat("o4-mini"),
      middleware: runledgerMiddleware({ callbacks: [handler], tags: ["qa"] }),
    });
    const { result, usage } = await withUsageMetadata(() =>
      generateText({ model, prompt: "Capital of Australia?", temperature: 0.3, maxOutputTokens: 800 }),
    );
    expect(result.text).toBe("The capital of Australia is Canberra.");
    expect(Object.keys(usage)).toEqual(["o4-mini-2025-04-16"]);
    expect(usage["o4-mini-2025-04-16"]).toEqual(
      aiSdkVisible(fixtureUsage("openai", "chat_completions_cached_reasoning")),
    );
    // The AI SDK's own account of the same call agrees.
    expect(usage["o4-mini-2025-04-16"]?.input_tokens).toBe(result.usage.inputTokens);
    expect(usage["o4-mini-2025-04-16"]?.output_tokens).toBe(result.usage.outputTokens);

    const start = handler.start();
    expect(start.runName).toBe("openai.chat");
    expect(start.tags).toEqual(["qa"]);
    expect(start.metadata).toMatchObject({
      ls_provider: "openai",
      ls_model_name: "o4-mini",
      ls_model_type: "chat",
      ls_temperature: 0.3,
      ls_max_tokens: 800,
    });
    expect(start.messages[0]).toEqual([{ role: "user", content: [{ type: "text", text: "Capital of Australia?" }] }]);
    expect(start.extraParams?.invocation_params).toMatchObject({ model: "o4-mini", temperature: 0.3 });
    expect(start.extraParams?.invocation_params).not.toHaveProperty("prompt");
    const message = generationOf(handler).message;
    expect(message.content).toBe("The capital of Australia is Canberra.");
    expect(message.response_metadata).toMatchObject({
      model_name: "o4-mini-2025-04-16",
      model_provider: "openai",
      finish_reason: "stop",
      raw_finish_reason: "stop",
      id: "chatcmpl-BQxq1cR8uKcF8Dn1tB4n3w5oZ7Jpa",
    });
  });

  it("streams: one token per text delta, usage from the final chunk, counted once", async () => {
    const chunks = fixtureRaw("openai", "chat_completions_stream_include_usage") as Record<string, unknown>[];
    loopback().reply(openAIStream(chunks));
    const handler = new RecordingHandler();
    const model = wrapLanguageModel({ model: openai().chat("gpt-5.5"), middleware: runledgerMiddleware() });
    const texts: string[] = [];
    const { usage } = await withUsageMetadata(() =>
      withCallbacks([handler], async () => {
        const result = streamText({ model, prompt: "Who are you?" });
        for await (const text of result.textStream) texts.push(text);
      }),
    );
    expect(texts.join("")).toBe("我是助手。");
    expect(handler.tokens()).toEqual(["我是", "助手", "。"]);
    expect(handler.ofKind("token")[0]?.chunk).toMatchObject({ type: "text-delta", delta: "我是" });
    // @ai-sdk/openai reports 0 cached and reasoning tokens when the payload has no details.
    expect(aiSdkVisible(usage["gpt-5.5"])).toEqual(
      aiSdkVisible(fixtureUsage("openai", "chat_completions_stream_include_usage")),
    );
    expect(generationOf(handler).text).toBe("我是助手。");
  });

  it("ends the run as an error on HTTP 500; generateText throws the AI SDK's error", async () => {
    loopback().reply(jsonReply({ error: { message: "upstream exploded", type: "server_error" } }, 500));
    const handler = new RecordingHandler();
    const model = wrapLanguageModel({
      model: openai().chat("gpt-4o-mini"),
      middleware: runledgerMiddleware({ callbacks: [handler] }),
    });
    const failure = await generateText({ model, prompt: "Hi", maxRetries: 0 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(String((handler.error().error as Error).message)).toContain("upstream exploded");
    expect(handler.ofKind("end")).toHaveLength(0);
  });

  it("ends a stream that breaks in the middle as an error, with the partial output", async () => {
    const chunks = fixtureRaw("openai", "chat_completions_stream_include_usage") as unknown[];
    loopback().reply(openAIStream(chunks, 3));
    const handler = new RecordingHandler();
    const model = wrapLanguageModel({
      model: openai().chat("gpt-5.5"),
      middleware: runledgerMiddleware({ callbacks: [handler] }),
    });
    const result = streamText({ model, prompt: "Who are you?", maxRetries: 0, onError: () => undefined });
    const thrown = await (async () => {
      for await (const text of result.textStream) void text;
    })().catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Error);
    await handler.whenEnded();
    const failed = handler.error();
    expect(failed.error).toBeInstanceOf(Error);
    // Three events got through: the role chunk and two deltas.
    expect((failed.extraParams?.response as { generations: ChatGeneration[][] }).generations[0]?.[0]?.text).toBe(
      "我是助手",
    );
  });

  it("ends a stream aborted by the caller's signal as an error", async () => {
    const chunks = fixtureRaw("openai", "chat_completions_stream_include_usage") as unknown[];
    loopback().reply(openAIStream(chunks, 2));
    const handler = new RecordingHandler();
    const model = wrapLanguageModel({
      model: openai().chat("gpt-5.5"),
      middleware: runledgerMiddleware({ callbacks: [handler] }),
    });
    const controller = new AbortController();
    const result = streamText({ model, prompt: "Hi", abortSignal: controller.signal, onError: () => undefined });
    const thrown = await (async () => {
      for await (const text of result.textStream) {
        if (text.length > 0) controller.abort(new Error("user pressed stop"));
      }
    })().catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Error);
    await handler.whenEnded();
    expect(handler.ofKind("end")).toHaveLength(0);
    expect(handler.ofKind("error")).toHaveLength(1);
  });

  it("reports the call to the OpenTelemetry handler and a RunTracer with no callbacks passed", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_cached_reasoning")));
    const tracing = testTracing();
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const model = wrapLanguageModel({ model: openai().chat("o4-mini"), middleware: runledgerMiddleware() });
    await withCallbacks([tracer, new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider })], () =>
      generateText({ model, prompt: "Capital of Australia?" }),
    );
    await tracer.forceFlush();
    const span = tracing.span("chat o4-mini");
    expect(span.attributes["gen_ai.provider.name"]).toBe("openai");
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBe(2150);
    expect(span.attributes["gen_ai.usage.output_tokens"]).toBe(640);
    const [run] = exporter.getFinishedRuns();
    expect(run?.run_type).toBe("llm");
    expect(run?.total_tokens).toBe(2790);
  });
});

describe("runledgerMiddleware with @ai-sdk/anthropic against recorded payloads", () => {
  it("counts cache writes and reads inside input_tokens exactly once (LanguageModelV3)", async () => {
    loopback().reply(jsonReply(fixtureRaw("anthropic", "messages_cache_creation_read")));
    const model = wrapLanguageModel({
      model: anthropic().messages("claude-sonnet-4-5"),
      middleware: runledgerMiddleware(),
    });
    const handler = new RecordingHandler();
    const { usage } = await withUsageMetadata(() =>
      withCallbacks([handler], () => generateText({ model, prompt: "foo" })),
    );
    expect(usage["claude-sonnet-4-5-20250929"]).toEqual(
      aiSdkVisible(fixtureUsage("anthropic", "messages_cache_creation_read")),
    );
    expect(handler.start().metadata).toMatchObject({ ls_provider: "anthropic" });
    expect(generationOf(handler).message.response_metadata).toMatchObject({
      model_provider: "anthropic",
      finish_reason: "stop",
      raw_finish_reason: "end_turn",
      provider_metadata: { anthropic: { cacheCreationInputTokens: 3 } },
    });
  });

  it("counts a stream's usage (message_start input and cache, message_delta output) once", async () => {
    loopback().reply(anthropicStream(fixtureRaw("anthropic", "messages_stream") as unknown[]));
    const model = wrapAISDKModel(anthropic().messages("claude-sonnet-4-5"));
    const { usage } = await withUsageMetadata(async () => {
      const result = streamText({ model, prompt: "Hi" });
      for await (const text of result.textStream) void text;
    });
    expect(usage["claude-sonnet-4-5-20250929"]).toEqual(aiSdkVisible(fixtureUsage("anthropic", "messages_stream")));
  });

  it("adds the cache reads and writes @ai-sdk/anthropic 2 (LanguageModelV2) leaves out of inputTokens", async () => {
    loopback().reply(jsonReply(fixtureRaw("anthropic", "messages_cache_creation_read")));
    const v2 = createAnthropicV2({ apiKey: "test-key", baseURL: loopback().url("/v1") }).messages("claude-sonnet-4-5");
    expect(v2.specificationVersion).toBe("v2");
    const handler = new RecordingHandler();
    const model = wrapAISDKModel(v2, { callbacks: [handler] });
    const result = await model.doGenerate({ prompt: [{ role: "user", content: [{ type: "text", text: "foo" }] }] });
    expect(result.usage.inputTokens).toBe(2); // the V2 package's own count: cache excluded
    expect(generationOf(handler).message.usage_metadata).toEqual(
      aiSdkVisible(fixtureUsage("anthropic", "messages_cache_creation_read")),
    );
  });
});

describe("runledgerMiddleware with @ai-sdk/google 2 (LanguageModelV2)", () => {
  it("adds the thoughts the package leaves out of outputTokens, as the fixture expects", async () => {
    loopback().reply(jsonReply(fixtureRaw("google_genai", "generate_content_thoughts_cached")));
    const v2 = createGoogleV2({ apiKey: "test-key", baseURL: loopback().url("/v1beta") })("gemini-2.5-pro");
    expect(v2.specificationVersion).toBe("v2");
    const handler = new RecordingHandler();
    const { usage } = await withUsageMetadata(() =>
      withCallbacks([handler], () => generateText({ model: wrapAISDKModel(v2), prompt: "Summarize" })),
    );
    expect(handler.start().metadata).toMatchObject({ ls_provider: "google_genai" });
    expect(usage["gemini-2.5-pro"]).toEqual(
      aiSdkVisible(fixtureUsage("google_genai", "generate_content_thoughts_cached")),
    );
  });
});

describe("runledgerMiddleware with the AI SDK's mock models", () => {
  const usageV3 = {
    inputTokens: { total: 1200, noCache: 200, cacheRead: 900, cacheWrite: 100 },
    outputTokens: { total: 300, text: 120, reasoning: 180 },
  };

  it("records tool calls and the finish reason of each step of a tool loop", async () => {
    const model = new MockLanguageModelV3({
      provider: "openai.responses",
      modelId: "gpt-5",
      doGenerate: [
        {
          content: [{ type: "tool-call", toolCallId: "call_1", toolName: "weather", input: '{"city":"Paris"}' }],
          finishReason: { unified: "tool-calls", raw: "tool_calls" },
          usage: usageV3,
          warnings: [],
        },
        {
          content: [{ type: "text", text: "Sunny in Paris." }],
          finishReason: { unified: "stop", raw: "stop" },
          usage: usageV3,
          warnings: [],
        },
      ],
    });
    const handler = new RecordingHandler();
    const weather = tool({
      description: "Weather in a city",
      inputSchema: jsonSchema<{ city: string }>({
        type: "object",
        properties: { city: { type: "string" } },
        required: ["city"],
      }),
      execute: ({ city }) => Promise.resolve(`Sunny in ${city}`),
    });
    const { result, usage } = await withUsageMetadata(() =>
      withCallbacks([handler], () =>
        generateText({
          model: wrapAISDKModel(model),
          prompt: "Weather in Paris?",
          tools: { weather },
          stopWhen: stepCountIs(2),
        }),
      ),
    );
    const [first, second] = handler.ofKind("end").map((end) => end.output.generations[0]?.[0] as ChatGeneration);
    expect(first?.message.tool_calls).toEqual([
      { id: "call_1", name: "weather", args: { city: "Paris" }, type: "tool_call" },
    ]);
    expect(first?.message.response_metadata).toMatchObject({ finish_reason: "tool_calls" });
    expect(second?.text).toBe("Sunny in Paris.");
    // Both steps, summed: the AI SDK's own total agrees, and cached tokens are counted once.
    expect(usage["gpt-5"]).toEqual({
      input_tokens: result.totalUsage.inputTokens,
      output_tokens: result.totalUsage.outputTokens,
      total_tokens: result.totalUsage.totalTokens,
      input_token_details: {
        cache_read: result.totalUsage.inputTokenDetails.cacheReadTokens,
        cache_creation: result.totalUsage.inputTokenDetails.cacheWriteTokens,
      },
      output_token_details: { reasoning: result.totalUsage.outputTokenDetails.reasoningTokens },
    });
    const tools = handler.ofKind("start")[0]?.extraParams?.invocation_params;
    expect(tools).toMatchObject({ tools: [{ type: "function", name: "weather" }] });
  });

  it("ends a stream cancelled by its reader as StreamAbandonedError with the partial output", async () => {
    const model = wrapAISDKModel(
      new MockLanguageModelV3({
        doStream: {
          stream: simulateReadableStream({
            chunks: [
              { type: "text-start", id: "t" },
              { type: "text-delta", id: "t", delta: "Hel" },
              { type: "text-delta", id: "t", delta: "lo" },
              { type: "text-end", id: "t" },
              { type: "finish", finishReason: { unified: "stop", raw: "stop" }, usage: usageV3 },
            ],
          }),
        },
      }),
    );
    const handler = new RecordingHandler();
    const { stream } = await withCallbacks([handler], () =>
      model.doStream({ prompt: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] }),
    );
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    const failed = handler.error();
    expect(failed.error).toBeInstanceOf(StreamAbandonedError);
    expect((failed.extraParams?.response as { generations: ChatGeneration[][] }).generations[0]?.[0]?.text).toBe("Hel");
    expect(handler.tokens()).toEqual(["Hel"]);
  });

  it("fails the run of a stream that ends with an error part and no finish", async () => {
    const streamError = new Error("overloaded");
    const model = wrapAISDKModel(
      new MockLanguageModelV3({
        doStream: {
          stream: simulateReadableStream({
            chunks: [
              { type: "text-delta", id: "t", delta: "Hi" },
              { type: "error", error: streamError },
            ],
          }),
        },
      }),
    );
    const handler = new RecordingHandler();
    await withCallbacks([handler], async () => {
      const result = streamText({ model, prompt: "Hi", onError: () => undefined });
      for await (const part of result.fullStream) void part;
    });
    expect(handler.error().error).toBe(streamError);
  });

  it("keeps the model's type, members and spec version; wrapping twice reports once", async () => {
    const model = new MockLanguageModelV3({
      provider: "mistral.chat",
      modelId: "mistral-large",
      doGenerate: {
        content: [{ type: "text", text: "ok" }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: usageV3,
        warnings: [],
      },
    });
    const handler = new RecordingHandler();
    const wrapped = wrapAISDKModel(wrapAISDKModel(model, { callbacks: [handler] }), { tags: ["b"] });
    expect(wrapped.specificationVersion).toBe("v3");
    expect(wrapped.provider).toBe("mistral.chat");
    expect(wrapped.modelId).toBe("mistral-large");
    expect(wrapped.doGenerateCalls).toBe(model.doGenerateCalls);
    await generateText({ model: wrapped, prompt: "Hi" });
    expect(handler.start().tags).toEqual(["b"]);
    expect(handler.start().metadata).toMatchObject({ ls_provider: "mistralai", ls_model_name: "mistral-large" });
  });

  it("warns and records no usage when a result carries none", async () => {
    const model = wrapAISDKModel(
      new MockLanguageModelV3({
        doGenerate: {
          content: [{ type: "text", text: "ok" }],
          finishReason: { unified: "stop", raw: undefined },
          usage: { inputTokens: {}, outputTokens: {} } as never,
          warnings: [],
        },
      }),
    );
    const { usage } = await withUsageMetadata(() => generateText({ model, prompt: "Hi" }));
    expect(usage).toEqual({});
    expect(warnings.some((warning) => warning.code === "missing_usage")).toBe(true);
  });
});

describe("runledgerMiddleware on a whole provider (the AI SDK's wrapProvider)", () => {
  it("traces string model ids app-wide when the wrapped provider is the AI SDK's default provider", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "responses_plain")));
    const handler = new RecordingHandler();
    const previous = globalThis.AI_SDK_DEFAULT_PROVIDER;
    globalThis.AI_SDK_DEFAULT_PROVIDER = wrapProvider({
      provider: openai(),
      languageModelMiddleware: runledgerMiddleware(),
    });
    try {
      await withCallbacks([handler], () => generateText({ model: "gpt-4.1", prompt: "A story" }));
    } finally {
      globalThis.AI_SDK_DEFAULT_PROVIDER = previous;
    }
    expect(handler.start().metadata).toMatchObject({ ls_provider: "openai", ls_model_name: "gpt-4.1" });
    expect(generationOf(handler).message.usage_metadata?.total_tokens).toBe(
      (fixtureUsage("openai", "responses_plain") as UsageMetadata).total_tokens,
    );
  });

  it("traces every model the provider makes: here the Responses API model of openai(id)", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "responses_plain")));
    const provider = wrapProvider({ provider: openai(), languageModelMiddleware: runledgerMiddleware() });
    const handler = new RecordingHandler();
    const { usage } = await withUsageMetadata(() =>
      withCallbacks([handler], () => generateText({ model: provider.languageModel("gpt-4.1"), prompt: "A story" })),
    );
    expect(loopback().requests[0]?.url).toBe("/v1/responses");
    expect(handler.start().runName).toBe("openai.responses");
    expect(aiSdkVisible(usage["gpt-4.1-2025-04-14"])).toEqual(aiSdkVisible(fixtureUsage("openai", "responses_plain")));
  });
});
