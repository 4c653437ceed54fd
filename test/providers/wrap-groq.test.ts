import Groq from "groq-sdk";
import { describe, expect, it } from "vitest";
import { withUsageMetadata } from "../../callbacks/index.js";
import type { UsageMetadata } from "../../schemas/index.js";
import { wrapGroq, type WrapGroqOptions } from "../../src/providers/index.js";
import { captureWarnings, withoutEmptyDetails } from "../support/providers-helpers.js";
import { fixtureRaw, fixtureUsage, jsonReply, openAIStream, useLoopbackServer } from "../support/loopback-server.js";
import { RecordingHandler } from "../support/recording-handler.js";
import { drain, expectAbandoned, generationOf, partialOf, readThenStop, recordedRaw } from "./wrapped-run.js";

const loopback = useLoopbackServer();
const warnings = captureWarnings();

const MODEL = "llama-3.3-70b-versatile";
const USER = [{ role: "user" as const, content: "Say hello" }];
const STREAM_CHUNKS = fixtureRaw("groq", "chat_stream_x_groq") as unknown[];

function groq(options?: WrapGroqOptions, maxRetries = 0): Groq {
  return wrapGroq(new Groq({ apiKey: "test-key", baseURL: loopback().url(), maxRetries }), options);
}

describe("wrapGroq: chat.completions.create", () => {
  it("counts a plain call's usage as the fixture expects and reports the request", async () => {
    const raw = fixtureRaw("groq", "chat_plain");
    loopback().reply(jsonReply(raw));
    const handler = new RecordingHandler();
    const client = groq({ callbacks: [handler], tags: ["t"] });
    const { result, usage } = await withUsageMetadata(() =>
      client.chat.completions.create({ model: MODEL, messages: USER, temperature: 0.2, max_tokens: 64, stop: "END" }),
    );
    expect(result).toEqual(raw);
    expect(loopback().requests[0]?.url).toBe("/openai/v1/chat/completions");
    expect(usage).toEqual({ [MODEL]: fixtureUsage("groq", "chat_plain") });
    const start = handler.start();
    expect(start.runName).toBe("ChatGroq");
    expect(start.messages).toEqual([USER]);
    expect(start.extraParams?.invocation_params).toEqual({
      model: MODEL,
      temperature: 0.2,
      max_tokens: 64,
      stop: "END",
    });
    expect(start.metadata).toMatchObject({
      ls_provider: "groq",
      ls_model_name: MODEL,
      ls_temperature: 0.2,
      ls_max_tokens: 64,
      ls_stop: ["END"],
      server_address: "127.0.0.1",
      server_port: Number(new URL(loopback().url()).port),
    });
    expect(generationOf(handler).message.response_metadata).toMatchObject({
      model_name: MODEL,
      model_provider: "groq",
      finish_reason: "stop",
    });
  });

  it("reports tool calls and the tool_calls finish reason", async () => {
    loopback().reply(jsonReply(recordedRaw("groq", "chat_tool_calls")));
    const handler = new RecordingHandler();
    await groq({ callbacks: [handler] }).chat.completions.create({ model: MODEL, messages: USER });
    const message = generationOf(handler).message;
    expect(message.tool_calls).toEqual([
      { id: "call_d5wg", name: "get_weather", args: { location: "New York, NY" }, type: "tool_call" },
    ]);
    expect(message.response_metadata?.finish_reason).toBe("tool_calls");
    expect(message.usage_metadata).toEqual({ input_tokens: 224, output_tokens: 33, total_tokens: 257 });
  });

  it("streams: one token per text delta, usage from x_groq counted once", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const client = groq({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(async () =>
      drain(await client.chat.completions.create({ model: MODEL, messages: USER, stream: true })),
    );
    expect(result.failure).toBeUndefined();
    expect(result.seen).toEqual(STREAM_CHUNKS); // nothing asked for, nothing hidden
    expect(handler.tokens()).toEqual(["Hello", " there!"]);
    expect(handler.ofKind("token")[0]?.chunk).toBe(result.seen[1]);
    expect(withoutEmptyDetails(usage[MODEL])).toEqual(
      withoutEmptyDetails(fixtureUsage("groq", "chat_stream_x_groq") as UsageMetadata),
    );
    expect(generationOf(handler).text).toBe("Hello there!");
  });

  it("ends the run as an error on HTTP 4xx and 5xx, the caller gets the SDK's error", async () => {
    loopback().reply(
      jsonReply({ error: { message: "bad model", type: "invalid_request_error" } }, 400),
      jsonReply({ error: { message: "boom", type: "internal_server_error" } }, 503),
    );
    const handler = new RecordingHandler();
    const client = groq({ callbacks: [handler] });
    const failures = [
      await client.chat.completions.create({ model: MODEL, messages: USER }).catch((error: unknown) => error),
      await client.chat.completions
        .create({ model: MODEL, messages: USER, stream: true })
        .catch((error: unknown) => error),
    ];
    expect(failures[0]).toBeInstanceOf(Groq.BadRequestError);
    expect(failures[1]).toBeInstanceOf(Groq.InternalServerError);
    expect(handler.ofKind("error").map((event) => event.error)).toEqual(failures);
    expect(handler.ofKind("end")).toHaveLength(0);
  });

  it("ends a stream broken mid-way as an error with the partial output", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS, 2));
    const handler = new RecordingHandler();
    const stream = await groq({ callbacks: [handler] }).chat.completions.create({
      model: MODEL,
      messages: USER,
      stream: true,
    });
    const { seen, failure } = await drain(stream);
    expect(failure).toBeInstanceOf(Error);
    expect(seen).toHaveLength(2);
    expect(handler.error().error).toBe(failure);
    expect(partialOf(handler)?.text).toBe("Hello");
    // Groq sends usage on the last chunk only: none was seen; the one streamed delta counts as an estimate.
    expect(partialOf(handler)?.message.usage_metadata).toEqual({ input_tokens: 0, output_tokens: 1, total_tokens: 1 });
    expect(handler.error().extraParams?.usage_estimate).toMatchObject({ output_tokens: "streamed_tokens" });
    expect(warnings.map((warning) => warning.code)).toEqual(["missing_usage"]);
  });

  it("ends an abandoned stream as a StreamAbandonedError, and the SDK aborts the request", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const stream = await groq({ callbacks: [handler] }).chat.completions.create({
      model: MODEL,
      messages: USER,
      stream: true,
    });
    await readThenStop(stream, 2);
    expectAbandoned(handler, "Hello");
    expect(stream.controller.signal.aborted).toBe(true);
  });
});
