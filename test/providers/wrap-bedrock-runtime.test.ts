import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { describe, expect, it } from "vitest";
import { withUsageMetadata } from "../../callbacks/index.js";
import type { UsageMetadata } from "../../schemas/index.js";
import { wrapBedrockRuntime, type WrapBedrockRuntimeOptions } from "../../src/providers/index.js";
import { captureWarnings, withoutEmptyDetails } from "../support/providers-helpers.js";
import { fixtureRaw, fixtureUsage, jsonReply, useLoopbackServer, type Reply } from "../support/loopback-server.js";
import { awsEventFrame, converseFrames, loopbackBedrockClient } from "../support/bedrock-loopback.js";
import { RecordingHandler } from "../support/recording-handler.js";
import { drain, expectAbandoned, generationOf, partialOf, readThenStop } from "./wrapped-run.js";

const loopback = useLoopbackServer();
const warnings = captureWarnings();

const MODEL_ID = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const MESSAGES = [{ role: "user" as const, content: [{ text: "Translate: I love programming." }] }];

function bedrock(options?: WrapBedrockRuntimeOptions): BedrockRuntimeClient {
  return wrapBedrockRuntime(loopbackBedrockClient(loopback().url()), options);
}

function eventStream(frames: Uint8Array[], breakAfter?: number): Reply {
  const contentType = "application/vnd.amazon.eventstream";
  return breakAfter === undefined
    ? { kind: "frames", contentType, frames }
    : { kind: "frames", contentType, frames, breakAfter };
}

/** InvokeModelWithResponseStream: each model event, base64 JSON, in a `chunk` message. */
function invokeFrames(events: readonly unknown[]): Uint8Array[] {
  return events.map((event) =>
    awsEventFrame("chunk", { bytes: Buffer.from(JSON.stringify(event)).toString("base64") }),
  );
}

function usageOf(name: string): UsageMetadata | undefined {
  return withoutEmptyDetails(fixtureUsage("bedrock", name) as UsageMetadata);
}

const CONVERSE_STREAM = fixtureRaw("bedrock", "converse_stream") as Record<string, unknown>[];

describe("wrapBedrockRuntime: Converse", () => {
  it("counts a plain call's usage under the model id and reports the request", async () => {
    const { ResponseMetadata, ...body } = fixtureRaw("bedrock", "converse_plain") as Record<string, unknown>;
    void ResponseMetadata; // boto3's addition, not the API's body
    loopback().reply(jsonReply(body));
    const handler = new RecordingHandler();
    const client = bedrock({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(() =>
      client.send(
        new ConverseCommand({
          modelId: MODEL_ID,
          system: [{ text: "Translate to French." }],
          messages: MESSAGES,
          inferenceConfig: { maxTokens: 200, temperature: 0.5, stopSequences: ["END"] },
        }),
      ),
    );
    expect(result.stopReason).toBe("end_turn");
    expect(withoutEmptyDetails(usage[MODEL_ID])).toEqual(usageOf("converse_plain"));
    const start = handler.start();
    expect(start.runName).toBe("ChatBedrockConverse");
    expect(start.messages).toEqual([[{ role: "system", content: [{ text: "Translate to French." }] }, ...MESSAGES]]);
    expect(start.metadata).toMatchObject({
      ls_provider: "amazon_bedrock",
      ls_model_name: MODEL_ID,
      ls_temperature: 0.5,
      ls_max_tokens: 200,
      ls_stop: ["END"],
      server_address: "127.0.0.1",
      server_port: Number(new URL(loopback().url()).port),
    });
    const message = generationOf(handler).message;
    expect(message.content).toBe("J'aime la programmation.");
    expect(message.response_metadata).toMatchObject({ stopReason: "end_turn", model_provider: "bedrock_converse" });
  });

  it("ends the run as an error on HTTP 400, the caller gets the SDK's error", async () => {
    loopback().reply(
      jsonReply({ message: "The provided model identifier is invalid." }, 400, {
        "x-amzn-errortype": "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
      }),
    );
    const handler = new RecordingHandler();
    const failure = await bedrock({ callbacks: [handler] })
      .send(new ConverseCommand({ modelId: "nope", messages: MESSAGES }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ValidationException);
    expect(handler.error().error).toBe(failure);
  });

  it("streams: tokens per content block delta, usage from the metadata event", async () => {
    loopback().reply(eventStream(converseFrames(CONVERSE_STREAM)));
    const handler = new RecordingHandler();
    const client = bedrock({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(async () => {
      const response = await client.send(new ConverseStreamCommand({ modelId: MODEL_ID, messages: MESSAGES }));
      return drain(response.stream as AsyncIterable<unknown>);
    });
    expect(result.failure).toBeUndefined();
    expect(result.seen).toHaveLength(CONVERSE_STREAM.length);
    expect(handler.tokens()).toEqual(["J'aime", " la programmation."]);
    expect(withoutEmptyDetails(usage[MODEL_ID])).toEqual(usageOf("converse_stream"));
    expect(generationOf(handler).message.response_metadata).toMatchObject({ stopReason: "end_turn" });
  });

  it("ends a stream broken mid-way as an error with the partial output", async () => {
    loopback().reply(eventStream(converseFrames(CONVERSE_STREAM), 2));
    const handler = new RecordingHandler();
    const response = await bedrock({ callbacks: [handler] }).send(
      new ConverseStreamCommand({ modelId: MODEL_ID, messages: MESSAGES }),
    );
    const { seen, failure } = await drain(response.stream as AsyncIterable<unknown>);
    expect(failure).toBeInstanceOf(Error);
    expect(seen).toHaveLength(2);
    expect(handler.error().error).toBe(failure);
    expect(partialOf(handler)?.text).toBe("J'aime");
    expect(warnings.map((warning) => warning.code)).toEqual(["missing_usage"]); // usage comes last
  });

  it("ends an abandoned stream as a StreamAbandonedError", async () => {
    loopback().reply(eventStream(converseFrames(CONVERSE_STREAM)));
    const handler = new RecordingHandler();
    const response = await bedrock({ callbacks: [handler] }).send(
      new ConverseStreamCommand({ modelId: MODEL_ID, messages: MESSAGES }),
    );
    await readThenStop(response.stream as AsyncIterable<unknown>, 2);
    expectAbandoned(handler, "J'aime");
  });
});

describe("wrapBedrockRuntime: InvokeModel", () => {
  const ANTHROPIC_BODY = {
    anthropic_version: "bedrock-2023-05-31",
    max_tokens: 100,
    system: "Translate to French.",
    messages: [{ role: "user", content: "I love programming." }],
  };

  it("reads the Anthropic body's text and usage, the request body's parameters", async () => {
    const raw = fixtureRaw("bedrock", "invoke_model_anthropic_chatbedrock") as {
      body: unknown;
      ResponseMetadata: { HTTPHeaders: Record<string, string> };
    };
    loopback().reply(jsonReply(raw.body, 200, raw.ResponseMetadata.HTTPHeaders));
    const handler = new RecordingHandler();
    const client = bedrock({ callbacks: [handler] });
    const { usage } = await withUsageMetadata(() =>
      client.send(new InvokeModelCommand({ modelId: MODEL_ID, body: JSON.stringify(ANTHROPIC_BODY) })),
    );
    expect(withoutEmptyDetails(Object.values(usage)[0])).toEqual(usageOf("invoke_model_anthropic_chatbedrock"));
    const start = handler.start();
    expect(start.runName).toBe("ChatBedrock");
    expect(start.messages).toEqual([[{ role: "system", content: "Translate to French." }, ...ANTHROPIC_BODY.messages]]);
    expect(start.metadata).toMatchObject({ ls_model_name: MODEL_ID, ls_max_tokens: 100 });
    expect(generationOf(handler).text).toBe("J'aime la programmation.");
  });

  it("streams Anthropic events decoded from the chunk messages", async () => {
    const events = fixtureRaw("bedrock", "invoke_model_anthropic_stream_chatbedrock") as unknown[];
    loopback().reply(eventStream(invokeFrames(events)));
    const handler = new RecordingHandler();
    const client = bedrock({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(async () => {
      const response = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId: MODEL_ID, body: JSON.stringify(ANTHROPIC_BODY) }),
      );
      return drain(response.body as AsyncIterable<unknown>);
    });
    expect(result.failure).toBeUndefined();
    expect(handler.tokens()).toEqual(["Summary", " ready."]);
    expect(withoutEmptyDetails(Object.values(usage)[0])).toEqual(usageOf("invoke_model_anthropic_stream_chatbedrock"));
  });
});
