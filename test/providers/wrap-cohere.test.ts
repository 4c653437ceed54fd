import { CohereClient, CohereClientV2, CohereError } from "cohere-ai";
import { describe, expect, it } from "vitest";
import { withUsageMetadata } from "../../callbacks/index.js";
import { wrapCohere, type WrapCohereOptions } from "../../src/providers/index.js";
import { captureWarnings } from "../support/providers-helpers.js";
import { anthropicStream, fixtureRaw, fixtureUsage, jsonReply, useLoopbackServer } from "../support/loopback-server.js";
import { RecordingHandler } from "../support/recording-handler.js";
import { drain, expectAbandoned, generationOf, partialOf, readThenStop, recordedRaw } from "./wrapped-run.js";

const loopback = useLoopbackServer();
const warnings = captureWarnings();

const MODEL = "command-a-03-2025";
const USER = [{ role: "user" as const, content: "Say hello" }];
// Cohere names each server-sent event by its type, as Anthropic does.
const STREAM_EVENTS = recordedRaw("cohere", "chat_v2_stream") as unknown[];

function cohere(options?: WrapCohereOptions): CohereClientV2 {
  return wrapCohere(new CohereClientV2({ token: "test-key", environment: loopback().url(), maxRetries: 0 }), options);
}

describe("wrapCohere: chat", () => {
  it("counts a plain call's usage as the fixture expects, named by the request's model", async () => {
    loopback().reply(jsonReply(fixtureRaw("cohere", "chat_v2_plain")));
    const handler = new RecordingHandler();
    const client = cohere({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(() =>
      client.chat({ model: MODEL, messages: USER, temperature: 0.3, maxTokens: 50, stopSequences: ["END"] }),
    );
    expect(result.finishReason).toBe("COMPLETE"); // the SDK's own camelCase object
    expect(loopback().requests[0]).toMatchObject({
      url: "/v2/chat",
      body: { max_tokens: 50, stop_sequences: ["END"] },
    });
    expect(usage).toEqual({ [MODEL]: fixtureUsage("cohere", "chat_v2_plain") });
    const start = handler.start();
    expect(start.runName).toBe("ChatCohere");
    expect(start.messages).toEqual([USER]);
    expect(start.metadata).toMatchObject({
      ls_provider: "cohere",
      ls_model_name: MODEL,
      ls_temperature: 0.3,
      ls_max_tokens: 50,
      ls_stop: ["END"],
      server_address: "127.0.0.1",
      server_port: Number(new URL(loopback().url()).port),
    });
    expect(generationOf(handler).message.response_metadata).toMatchObject({
      model_name: MODEL,
      model_provider: "cohere",
      finish_reason: "COMPLETE",
    });
  });

  it("reports tool calls and the TOOL_CALL finish reason, also through withRawResponse()", async () => {
    loopback().reply(jsonReply(recordedRaw("cohere", "chat_v2_tool_calls")));
    const handler = new RecordingHandler();
    const { data, rawResponse } = await cohere({ callbacks: [handler] })
      .chat({ model: MODEL, messages: USER })
      .withRawResponse();
    expect(rawResponse.status).toBe(200);
    expect(data.message.toolCalls?.[0]?.id).toBe("get_weather_1byjy32y4hvq");
    const message = generationOf(handler).message;
    expect(message.tool_calls).toEqual([
      { id: "get_weather_1byjy32y4hvq", name: "get_weather", args: { location: "Toronto" }, type: "tool_call" },
    ]);
    expect(message.response_metadata?.finish_reason).toBe("TOOL_CALL");
    expect(message.usage_metadata).toEqual({ input_tokens: 913, output_tokens: 81, total_tokens: 994 });
  });

  it("instruments CohereClient's v2 and leaves its v1 chat alone", async () => {
    loopback().reply(jsonReply(fixtureRaw("cohere", "chat_v2_plain")));
    const handler = new RecordingHandler();
    const client = wrapCohere(new CohereClient({ token: "k", environment: loopback().url() }), {
      callbacks: [handler],
    });
    await client.v2.chat({ model: MODEL, messages: USER });
    expect(handler.ofKind("end")).toHaveLength(1);
    loopback().reply(jsonReply({ response_id: "r", text: "Hi", generation_id: "g", finish_reason: "COMPLETE" }));
    await client.chat({ message: "Hi" });
    expect(handler.ofKind("start")).toHaveLength(1);
  });

  it("ends the run as an error on HTTP 4xx and 5xx, the caller gets the SDK's error", async () => {
    loopback().reply(jsonReply({ message: "invalid model" }, 400), jsonReply({ message: "boom" }, 500));
    const handler = new RecordingHandler();
    const client = cohere({ callbacks: [handler] });
    const failures = [
      await client.chat({ model: MODEL, messages: USER }).catch((error: unknown) => error),
      await client.chatStream({ model: MODEL, messages: USER }).catch((error: unknown) => error),
    ];
    for (const failure of failures) expect(failure).toBeInstanceOf(CohereError);
    expect(handler.ofKind("error").map((event) => event.error)).toEqual(failures);
    expect(handler.ofKind("end")).toHaveLength(0);
  });
});

describe("wrapCohere: chatStream", () => {
  it("reports one token per content-delta and the message-end usage (billed units)", async () => {
    loopback().reply(anthropicStream(STREAM_EVENTS));
    const handler = new RecordingHandler();
    const client = cohere({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(async () =>
      drain(await client.chatStream({ model: MODEL, messages: USER })),
    );
    expect(result.failure).toBeUndefined();
    expect(result.seen).toHaveLength(STREAM_EVENTS.length);
    expect(loopback().requests[0]?.body).toMatchObject({ stream: true });
    expect(handler.tokens()).toEqual(["Hello", " world!"]);
    expect(usage).toEqual({ [MODEL]: { input_tokens: 3, output_tokens: 9, total_tokens: 12 } });
    expect(generationOf(handler).text).toBe("Hello world!");
    expect(generationOf(handler).message.response_metadata).toMatchObject({ finish_reason: "COMPLETE" });
  });

  it("ends a stream broken mid-way as an error with the partial output", async () => {
    loopback().reply(anthropicStream(STREAM_EVENTS, 3));
    const handler = new RecordingHandler();
    const { seen, failure } = await drain(
      await cohere({ callbacks: [handler] }).chatStream({ model: MODEL, messages: USER }),
    );
    expect(failure).toBeInstanceOf(Error);
    expect(seen).toHaveLength(3);
    expect(handler.error().error).toBe(failure);
    expect(partialOf(handler)?.text).toBe("Hello");
    expect(warnings.map((warning) => warning.code)).toEqual(["missing_usage"]);
  });

  it("ends an abandoned stream as a StreamAbandonedError", async () => {
    loopback().reply(anthropicStream(STREAM_EVENTS));
    const handler = new RecordingHandler();
    await readThenStop(await cohere({ callbacks: [handler] }).chatStream({ model: MODEL, messages: USER }), 3);
    expectAbandoned(handler, "Hello");
  });
});
