import { Mistral } from "@mistralai/mistralai";
import * as errors from "@mistralai/mistralai/models/errors";
import { describe, expect, it } from "vitest";
import { withUsageMetadata } from "../../callbacks/index.js";
import { wrapMistral, type WrapMistralOptions } from "../../src/providers/index.js";
import { captureWarnings } from "../support/providers-helpers.js";
import { fixtureRaw, fixtureUsage, jsonReply, openAIStream, useLoopbackServer } from "../support/loopback-server.js";
import { RecordingHandler } from "../support/recording-handler.js";
import { drain, expectAbandoned, generationOf, partialOf, readThenStop, recordedRaw } from "./wrapped-run.js";

const loopback = useLoopbackServer();
const warnings = captureWarnings();

const MODEL = "mistral-small-2503";
const USER = [{ role: "user" as const, content: "Say hello" }];
const STREAM_CHUNKS = fixtureRaw("mistral", "chat_stream") as unknown[];

function mistral(options?: WrapMistralOptions): Mistral {
  return wrapMistral(new Mistral({ apiKey: "test-key", serverURL: loopback().url() }), options);
}

describe("wrapMistral: chat.complete", () => {
  it("counts a plain call's usage as the fixture expects and reports the request", async () => {
    loopback().reply(jsonReply(fixtureRaw("mistral", "chat_plain")));
    const handler = new RecordingHandler();
    const client = mistral({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(() =>
      client.chat.complete({
        model: "mistral-small-latest",
        messages: USER,
        temperature: 0,
        maxTokens: 32,
        stop: ["END"],
      }),
    );
    expect(result.choices[0]?.message?.content).toBe("Hello!"); // the SDK's own camelCase object
    expect(loopback().requests[0]?.body).toMatchObject({ max_tokens: 32, stop: ["END"] });
    expect(usage).toEqual({ [MODEL]: fixtureUsage("mistral", "chat_plain") });
    const start = handler.start();
    expect(start.runName).toBe("ChatMistralAI");
    expect(start.messages).toEqual([USER]);
    expect(start.metadata).toMatchObject({
      ls_provider: "mistralai",
      ls_model_name: "mistral-small-latest",
      ls_temperature: 0,
      ls_max_tokens: 32,
      ls_stop: ["END"],
      server_address: "127.0.0.1",
      server_port: Number(new URL(loopback().url()).port),
    });
    expect(generationOf(handler).text).toBe("Hello!");
    expect(generationOf(handler).message.response_metadata).toMatchObject({
      model_name: MODEL,
      model_provider: "mistralai",
      finish_reason: "stop",
    });
  });

  it("reports tool calls and the tool_calls finish reason", async () => {
    loopback().reply(jsonReply(recordedRaw("mistral", "chat_tool_calls")));
    const handler = new RecordingHandler();
    await mistral({ callbacks: [handler] }).chat.complete({ model: "mistral-large-latest", messages: USER });
    const message = generationOf(handler).message;
    expect(message.tool_calls).toEqual([
      { id: "D681PevKs", name: "retrieve_payment_status", args: { transaction_id: "T1001" }, type: "tool_call" },
    ]);
    expect(message.response_metadata?.finish_reason).toBe("tool_calls");
    expect(message.usage_metadata).toEqual({ input_tokens: 167, output_tokens: 24, total_tokens: 191 });
  });

  it("ends the run as an error on HTTP 4xx and 5xx, the caller gets the SDK's error", async () => {
    loopback().reply(
      jsonReply({ object: "error", message: "Unauthorized", type: "invalid_request_error" }, 401),
      jsonReply({ object: "error", message: "boom", type: "internal_error" }, 500),
    );
    const handler = new RecordingHandler();
    const client = mistral({ callbacks: [handler] });
    const failures = [
      await client.chat.complete({ model: MODEL, messages: USER }).catch((error: unknown) => error),
      await client.chat.stream({ model: MODEL, messages: USER }).catch((error: unknown) => error),
    ];
    for (const failure of failures) expect(failure).toBeInstanceOf(errors.MistralError);
    expect(handler.ofKind("error").map((event) => event.error)).toEqual(failures);
    expect(handler.ofKind("end")).toHaveLength(0);
  });
});

describe("wrapMistral: chat.stream", () => {
  it("reports one token per text delta and the usage of the chunk that carries it", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const client = mistral({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(async () =>
      drain(await client.chat.stream({ model: "mistral-small-latest", messages: USER })),
    );
    expect(result.failure).toBeUndefined();
    expect(result.seen).toHaveLength(STREAM_CHUNKS.length);
    expect(loopback().requests[0]?.body).toMatchObject({ stream: true });
    expect(handler.tokens()).toEqual(["Bonjour", " !"]);
    expect(handler.ofKind("token")[0]?.chunk).toEqual(STREAM_CHUNKS[1]); // in the API's own spelling
    expect(usage).toEqual({ [MODEL]: fixtureUsage("mistral", "chat_stream") });
    expect(generationOf(handler).message.response_metadata).toMatchObject({ finish_reason: "stop" });
  });

  it("ends a stream broken mid-way as an error with the partial output", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS, 2));
    const handler = new RecordingHandler();
    const { seen, failure } = await drain(
      await mistral({ callbacks: [handler] }).chat.stream({ model: MODEL, messages: USER }),
    );
    expect(failure).toBeInstanceOf(Error);
    expect(seen).toHaveLength(2);
    expect(handler.error().error).toBe(failure);
    expect(partialOf(handler)?.text).toBe("Bonjour");
    expect(warnings.map((warning) => warning.code)).toEqual(["missing_usage"]);
  });

  it("ends an abandoned stream as a StreamAbandonedError", async () => {
    loopback().reply(openAIStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    await readThenStop(await mistral({ callbacks: [handler] }).chat.stream({ model: MODEL, messages: USER }), 2);
    expectAbandoned(handler, "Bonjour");
  });
});
