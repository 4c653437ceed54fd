import OpenAI, { AzureOpenAI } from "openai";
import { describe, expect, it } from "vitest";
import { withUsageMetadata } from "../../callbacks/index.js";
import type { ChatGeneration, UsageMetadata } from "../../schemas/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { servingHost } from "../../src/providers/wrap/openai-hosts.js";
import { wrapOpenAI } from "../../src/providers/wrap/wrap-openai.js";
import { withoutEmptyDetails } from "../support/providers-helpers.js";
import { fixtureRaw, fixtureUsage, jsonReply, openAIStream, useLoopbackServer } from "../support/loopback-server.js";
import { RecordingHandler } from "../support/recording-handler.js";
import { testTracing, useContextManager } from "../support/otel-setup.js";

const loopback = useLoopbackServer();
useContextManager();

const USER = [{ role: "user" as const, content: "Hi" }];

/**
 * A real OpenAI client configured for `baseURL` (a provider's documented endpoint) whose requests
 * are delivered to the loopback server instead: the client, its base URL and its requests are the
 * real ones, only the network is local.
 */
function clientFor(baseURL: string, Client: typeof OpenAI = OpenAI): OpenAI {
  const toLoopback: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return fetch(loopback().url(`${url.pathname}${url.search}`), init);
  };
  return new Client({ apiKey: "test-key", baseURL, fetch: toLoopback, maxRetries: 0 });
}

function generationOf(handler: RecordingHandler): ChatGeneration {
  return handler.end().generations[0]?.[0] as ChatGeneration;
}

describe("servingHost: the provider named from an OpenAI client's base URL", () => {
  // The base URLs each provider's documentation gives for its OpenAI-compatible API.
  it.each([
    ["https://api.openai.com/v1", "openai", "openai", 443], // the openai package's default
    ["https://api.groq.com/openai/v1", "groq", "groq", 443], // console.groq.com/docs/openai
    ["https://api.together.xyz/v1", "together", "together", 443], // docs.together.ai, OpenAI compatibility
    ["https://api.fireworks.ai/inference/v1", "fireworks", "fireworks", 443], // docs.fireworks.ai
    ["https://openrouter.ai/api/v1", "openrouter", "openai", 443], // openrouter.ai/docs quickstart
    ["https://api.deepseek.com", "deepseek", "openai", 443], // api-docs.deepseek.com
    ["https://api.x.ai/v1", "xai", "openai", 443], // docs.x.ai
    ["https://api.mistral.ai/v1", "mistralai", "mistralai", 443],
    ["https://generativelanguage.googleapis.com/v1beta/openai/", "google_genai", "openai", 443], // Gemini OpenAI compat
    ["https://my-resource.openai.azure.com/openai", "azure", "openai", 443], // what AzureOpenAI builds from endpoint
    ["https://my-hub.services.ai.azure.com/openai/v1", "azure", "openai", 443],
    ["http://localhost:11434/v1", "ollama", "openai", 11434], // Ollama's OpenAI compatibility docs
    ["http://gpu-box.internal:11434/v1", "ollama", "openai", 11434],
    ["http://localhost:8000/v1", "openai", "openai", 8000], // vLLM's OpenAI-compatible server
    ["http://localhost:1234/v1", "openai", "openai", 1234], // LM Studio
    ["http://[::1]:8080/v1", "openai", "openai", 8080],
  ])("%s → %s (payload rule %s)", (baseURL, provider, chatPayload, port) => {
    const host = servingHost(baseURL);
    expect(host).toMatchObject({ provider, chatPayload, port });
    expect(host.address).toBe(new URL(baseURL).hostname.replace(/^\[|\]$/g, ""));
  });

  it("reads Groq's Responses API by Groq's rule, other hosts' by OpenAI's", () => {
    expect(servingHost("https://api.groq.com/openai/v1").responsesPayload).toBe("groq");
    expect(servingHost("https://api.together.xyz/v1").responsesPayload).toBe("openai");
  });

  it("names no address for a missing or unparsable base URL, and calls it openai", () => {
    expect(servingHost(undefined)).toEqual({ provider: "openai", chatPayload: "openai", responsesPayload: "openai" });
    expect(servingHost("not a url")).toEqual({ provider: "openai", chatPayload: "openai", responsesPayload: "openai" });
  });
});

describe("wrapOpenAI on OpenAI-compatible hosts", () => {
  it("attributes a Groq call to groq: ls_provider, model_provider, Groq's usage rule, server address and span", async () => {
    loopback().reply(jsonReply(fixtureRaw("groq", "chat_plain")));
    const handler = new RecordingHandler();
    const tracing = testTracing();
    const client = wrapOpenAI(clientFor("https://api.groq.com/openai/v1"), {
      callbacks: [handler, new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider })],
    });
    const { usage } = await withUsageMetadata(() =>
      client.chat.completions.create({ model: "llama-3.3-70b-versatile", messages: USER }),
    );
    expect(loopback().requests[0]?.url).toBe("/openai/v1/chat/completions");
    expect(handler.start().metadata).toMatchObject({
      ls_provider: "groq",
      server_address: "api.groq.com",
      server_port: 443,
    });
    expect(generationOf(handler).message.response_metadata).toMatchObject({ model_provider: "groq" });
    expect(withoutEmptyDetails(usage["llama-3.3-70b-versatile"])).toEqual(
      withoutEmptyDetails(fixtureUsage("groq", "chat_plain") as UsageMetadata),
    );
    const span = tracing.span("chat llama-3.3-70b-versatile");
    expect(span.attributes["gen_ai.provider.name"]).toBe("groq");
  });

  it("streams from Together by Together's rule", async () => {
    const chunks = fixtureRaw("together", "chat_stream") as unknown[];
    loopback().reply(openAIStream(chunks));
    const handler = new RecordingHandler();
    const client = wrapOpenAI(clientFor("https://api.together.xyz/v1"), { callbacks: [handler] });
    const stream = await client.chat.completions.create({ model: "m", messages: USER, stream: true });
    for await (const chunk of stream) void chunk;
    expect(handler.start().metadata).toMatchObject({ ls_provider: "together", server_address: "api.together.xyz" });
    expect(withoutEmptyDetails(generationOf(handler).message.usage_metadata)).toEqual(
      withoutEmptyDetails(fixtureUsage("together", "chat_stream") as UsageMetadata),
    );
  });

  it("names DeepSeek, which answers in OpenAI's format, as deepseek (OpenTelemetry: deepseek)", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const handler = new RecordingHandler();
    const tracing = testTracing();
    const client = wrapOpenAI(clientFor("https://api.deepseek.com"), {
      callbacks: [handler, new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider })],
    });
    await client.chat.completions.create({ model: "deepseek-chat", messages: USER });
    expect(handler.start().metadata).toMatchObject({ ls_provider: "deepseek", server_address: "api.deepseek.com" });
    const message = generationOf(handler).message;
    expect(message.response_metadata).toMatchObject({ model_provider: "deepseek" });
    expect(withoutEmptyDetails(message.usage_metadata)).toEqual(
      withoutEmptyDetails(fixtureUsage("openai", "chat_completions_plain") as UsageMetadata),
    );
    expect(tracing.spans()[0]?.attributes["gen_ai.provider.name"]).toBe("deepseek");
  });

  it("names the openai package's AzureOpenAI client azure (gen_ai.provider.name azure.ai.openai)", async () => {
    loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
    const handler = new RecordingHandler();
    const tracing = testTracing();
    const toLoopback: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      return fetch(loopback().url(`${url.pathname}${url.search}`), init);
    };
    const azure = new AzureOpenAI({
      endpoint: "https://my-resource.openai.azure.com",
      apiKey: "test-key",
      apiVersion: "2024-10-21",
      deployment: "gpt-4o-mini",
      fetch: toLoopback,
      maxRetries: 0,
    });
    const client = wrapOpenAI(azure, {
      callbacks: [handler, new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider })],
    });
    await client.chat.completions.create({ model: "gpt-4o-mini", messages: USER });
    expect(loopback().requests[0]?.url).toBe("/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21");
    expect(handler.start().metadata).toMatchObject({
      ls_provider: "azure",
      server_address: "my-resource.openai.azure.com",
      server_port: 443,
    });
    expect(tracing.spans()[0]?.attributes["gen_ai.provider.name"]).toBe("azure.ai.openai");
  });

  it("names a local Ollama server ollama, and a withOptions() copy pointed elsewhere by its own base URL", async () => {
    loopback().reply(
      jsonReply(fixtureRaw("openai", "chat_completions_plain")),
      jsonReply(fixtureRaw("openai", "chat_completions_plain")),
    );
    const handler = new RecordingHandler();
    const client = wrapOpenAI(clientFor("http://localhost:11434/v1"), { callbacks: [handler] });
    await client.chat.completions.create({ model: "llama3.2", messages: USER });
    const vllm = client.withOptions({ baseURL: "http://localhost:8000/v1" });
    await vllm.chat.completions.create({ model: "llama3.2", messages: USER });
    const [ollama, other] = handler.ofKind("start");
    expect(ollama?.metadata).toMatchObject({ ls_provider: "ollama", server_address: "localhost", server_port: 11434 });
    expect(other?.metadata).toMatchObject({ ls_provider: "openai", server_address: "localhost", server_port: 8000 });
  });
});
