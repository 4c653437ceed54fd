import { ApiError, GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import { withUsageMetadata } from "../../callbacks/index.js";
import type { UsageMetadata } from "../../schemas/index.js";
import { wrapGoogleGenAI, type WrapGoogleGenAIOptions } from "../../src/providers/index.js";
import { captureWarnings, withoutEmptyDetails } from "../support/providers-helpers.js";
import { fixtureRaw, fixtureUsage, jsonReply, useLoopbackServer, type Reply } from "../support/loopback-server.js";
import { RecordingHandler } from "../support/recording-handler.js";
import { drain, expectAbandoned, generationOf, partialOf, readThenStop, recordedRaw } from "./wrapped-run.js";

const loopback = useLoopbackServer();
const warnings = captureWarnings();

const MODEL = "gemini-2.5-flash";
const STREAM_CHUNKS = fixtureRaw("google_genai", "generate_content_stream_cumulative") as unknown[];

function gemini(options?: WrapGoogleGenAIOptions, vertexai = false): GoogleGenAI {
  const client = new GoogleGenAI({ apiKey: "test-key", vertexai, httpOptions: { baseUrl: loopback().url() } });
  return wrapGoogleGenAI(client, options);
}

/** Gemini's `alt=sse` stream: one `data:` event per chunk, no terminator. */
function geminiStream(chunks: readonly unknown[], breakAfter?: number): Reply {
  const events = chunks.map((data) => ({ data }));
  return breakAfter === undefined ? { kind: "sse", events } : { kind: "sse", events, breakAfter };
}

function usageOf(folder: string, name: string): UsageMetadata | undefined {
  return withoutEmptyDetails(fixtureUsage(folder, name) as UsageMetadata);
}

describe("wrapGoogleGenAI: models.generateContent", () => {
  it.each(["generate_content_plain", "generate_content_thoughts_cached"])(
    "counts the usage of %s as the fixture expects (Gemini API: google_genai)",
    async (name) => {
      const raw = fixtureRaw("google_genai", name) as { modelVersion: string };
      loopback().reply(jsonReply(raw));
      const client = gemini();
      const { result, usage } = await withUsageMetadata(() =>
        client.models.generateContent({ model: MODEL, contents: "Hi" }),
      );
      expect(result.responseId).toBe((raw as { responseId?: string }).responseId);
      expect(Object.keys(usage)).toEqual([raw.modelVersion]);
      expect(withoutEmptyDetails(usage[raw.modelVersion])).toEqual(usageOf("google_genai", name));
    },
  );

  it("reports contents, system instruction and config as the run's input and ls_* metadata", async () => {
    loopback().reply(jsonReply(fixtureRaw("google_genai", "generate_content_plain")));
    const handler = new RecordingHandler();
    const controller = new AbortController();
    await gemini({ callbacks: [handler] }).models.generateContent({
      model: MODEL,
      contents: "How many O's in Google?",
      config: {
        systemInstruction: "Be brief.",
        temperature: 0.1,
        maxOutputTokens: 100,
        stopSequences: ["END"],
        abortSignal: controller.signal,
      },
    });
    expect(loopback().requests[0]?.url).toBe(`/v1beta/models/${MODEL}:generateContent`);
    const start = handler.start();
    expect(start.runName).toBe("ChatGoogleGenerativeAI");
    expect(start.messages).toEqual([
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "How many O's in Google?" },
      ],
    ]);
    expect(start.extraParams?.invocation_params).toEqual({
      model: MODEL,
      temperature: 0.1,
      maxOutputTokens: 100,
      stopSequences: ["END"],
    });
    expect(start.metadata).toMatchObject({
      ls_provider: "google_genai",
      ls_model_name: MODEL,
      ls_temperature: 0.1,
      ls_max_tokens: 100,
      ls_stop: ["END"],
      server_address: "127.0.0.1",
      server_port: Number(new URL(loopback().url()).port),
    });
    const message = generationOf(handler).message;
    expect(message.content).toBe("There are 2 O's in Google.");
    expect(message.response_metadata).toMatchObject({ model_provider: "google_genai", finish_reason: "STOP" });
    expect(message.response_metadata).not.toHaveProperty("sdk_http_response"); // the SDK's, not the API's
  });

  it("reports function calls as tool calls", async () => {
    loopback().reply(jsonReply(recordedRaw("google_genai", "generate_content_function_call")));
    const handler = new RecordingHandler();
    await gemini({ callbacks: [handler] }).models.generateContent({ model: MODEL, contents: "Weather in Boston?" });
    const message = generationOf(handler).message;
    expect(message.tool_calls).toMatchObject([{ name: "get_weather", args: { location: "Boston, MA" } }]);
    expect(message.usage_metadata).toMatchObject({ input_tokens: 61, output_tokens: 7, total_tokens: 68 });
  });

  it("names the provider google_vertexai for a Vertex AI client", async () => {
    loopback().reply(jsonReply(fixtureRaw("google_vertexai", "generate_content_plain")));
    const handler = new RecordingHandler();
    const { usage } = await withUsageMetadata(() =>
      gemini({ callbacks: [handler] }, true).models.generateContent({ model: MODEL, contents: "Hi" }),
    );
    expect(loopback().requests[0]?.url).toContain("/publishers/google/models/");
    expect(handler.start().runName).toBe("ChatVertexAI");
    expect(handler.start().metadata?.ls_provider).toBe("google_vertexai");
    expect(generationOf(handler).message.response_metadata?.model_provider).toBe("google_vertexai");
    expect(Object.values(usage).map(withoutEmptyDetails)).toEqual([
      usageOf("google_vertexai", "generate_content_plain"),
    ]);
  });

  it("ends the run as an error on HTTP 4xx and 5xx, the caller gets the SDK's error", async () => {
    const error = (code: number, status: string) => ({ error: { code, message: "nope", status } });
    loopback().reply(jsonReply(error(400, "INVALID_ARGUMENT"), 400), jsonReply(error(500, "INTERNAL"), 500));
    const handler = new RecordingHandler();
    const client = gemini({ callbacks: [handler] });
    const failures = [
      await client.models.generateContent({ model: MODEL, contents: "Hi" }).catch((e: unknown) => e),
      await client.models.generateContentStream({ model: MODEL, contents: "Hi" }).catch((e: unknown) => e),
    ];
    for (const failure of failures) expect(failure).toBeInstanceOf(ApiError);
    expect(failures.map((failure) => (failure as ApiError).status)).toEqual([400, 500]);
    expect(handler.ofKind("error").map((event) => event.error)).toEqual(failures);
    expect(handler.ofKind("end")).toHaveLength(0);
  });
});

describe("wrapGoogleGenAI: models.generateContentStream", () => {
  it("reports one token per text part and the last cumulative usage, never a sum", async () => {
    loopback().reply(geminiStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const client = gemini({ callbacks: [handler] });
    const { result, usage } = await withUsageMetadata(async () =>
      drain(await client.models.generateContentStream({ model: MODEL, contents: "Why 42?" })),
    );
    expect(result.failure).toBeUndefined();
    expect(result.seen).toHaveLength(STREAM_CHUNKS.length);
    expect(loopback().requests[0]?.url).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    expect(handler.tokens()).toEqual(["The answer", " is 42, because", " it was computed."]);
    expect(handler.ofKind("token")[0]?.chunk).toBe(result.seen[0]);
    expect(withoutEmptyDetails(usage[MODEL])).toEqual(usageOf("google_genai", "generate_content_stream_cumulative"));
    expect(generationOf(handler).message.response_metadata?.finish_reason).toBe("STOP");
  });

  it("ends a stream broken mid-way as an error, with the partial output and the usage so far", async () => {
    loopback().reply(geminiStream(STREAM_CHUNKS, 2));
    const handler = new RecordingHandler();
    const { seen, failure } = await drain(
      await gemini({ callbacks: [handler] }).models.generateContentStream({ model: MODEL, contents: "Why 42?" }),
    );
    expect(failure).toBeInstanceOf(Error);
    expect(seen).toHaveLength(2);
    expect(handler.error().error).toBe(failure);
    const partial = partialOf(handler);
    expect(partial?.text).toBe("The answer is 42, because");
    // Gemini's usage is cumulative on every chunk: the partial run keeps the last count it saw.
    expect(partial?.message.usage_metadata?.total_tokens).toBe(63);
    expect(warnings).toEqual([]);
  });

  it("ends an abandoned stream as a StreamAbandonedError", async () => {
    loopback().reply(geminiStream(STREAM_CHUNKS));
    const handler = new RecordingHandler();
    const stream = await gemini({ callbacks: [handler] }).models.generateContentStream({
      model: MODEL,
      contents: "Hi",
    });
    await readThenStop(stream, 1);
    expectAbandoned(handler, "The answer");
  });
});
