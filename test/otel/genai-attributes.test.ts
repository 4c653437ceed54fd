import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import type { LLMResult, UsageMetadata } from "../../schemas/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { normalizeResponse } from "../../src/providers/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { microsOf, testTracing } from "../support/otel-setup.js";

const warnings = captureWarnings();

function setup() {
  const tracing = testTracing();
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider });
  const manager = CallbackManager.configure({ callbacks: [handler] });
  return { tracing, handler, manager };
}

function generation(usage: unknown, responseMetadata: Record<string, unknown>, id?: string) {
  return {
    text: "",
    message: { content: "", id, usage_metadata: usage as UsageMetadata, response_metadata: responseMetadata },
  };
}

describe("model spans", () => {
  it("chat: name, kind, provider, request parameters, response and usage summed over generations incl. cache and reasoning", () => {
    const { tracing, manager } = setup();
    const run = CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { ls_provider: "openai", ls_model_name: "gpt-4o-mini", ls_temperature: 0.2, thread_id: "thread-7" },
    }).handleChatModelStart({ id: ["langchain", "chat_models", "openai", "ChatOpenAI"] }, [[]], undefined, undefined, {
      invocation_params: {
        model: "gpt-4o-mini",
        temperature: 0.9, // ls_temperature wins: it is LangChain's normalized value
        max_completion_tokens: 256,
        top_p: 0.95,
        stop: ["END"],
        seed: 7,
        frequency_penalty: 0.1,
        presence_penalty: -0.5,
        n: 2,
      },
    });
    const usageA = {
      input_tokens: 1200,
      output_tokens: 300,
      total_tokens: 1500,
      input_token_details: { cache_read: 1000, cache_creation: 100 },
      output_token_details: { reasoning: 200 },
    };
    const usageB = { input_tokens: 10, output_tokens: 5, total_tokens: 15, output_token_details: { reasoning: 1 } };
    void run.handleLLMEnd({
      generations: [
        [
          generation(
            usageA,
            { id: "chatcmpl-123", model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" },
            "run-ignored",
          ),
          generation(usageB, { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "length" }),
        ],
      ],
    });

    const span = tracing.span("chat gpt-4o-mini");
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 256,
      "gen_ai.request.top_p": 0.95,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.request.seed": 7,
      "gen_ai.request.frequency_penalty": 0.1,
      "gen_ai.request.presence_penalty": -0.5,
      "gen_ai.request.choice.count": 2,
      "gen_ai.conversation.id": "thread-7",
      "gen_ai.response.id": "chatcmpl-123",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.finish_reasons": ["stop", "length"],
      "gen_ai.usage.input_tokens": 1210,
      "gen_ai.usage.output_tokens": 305,
      "gen_ai.usage.cache_read.input_tokens": 1000,
      "gen_ai.usage.cache_creation.input_tokens": 100,
      "gen_ai.usage.reasoning.output_tokens": 201,
      "langsmith.span.kind": "llm",
      "langsmith.metadata.ls_provider": "openai",
      "langsmith.metadata.ls_temperature": 0.2,
    });
    expect(JSON.parse(span.attributes["langsmith.usage_metadata"] as string)).toEqual({
      input_tokens: 1210,
      output_tokens: 305,
      total_tokens: 1515,
      input_token_details: { cache_read: 1000, cache_creation: 100 },
      output_token_details: { reasoning: 201 },
    });
    expect(span.attributes["gen_ai.request.stream"]).toBeUndefined();
    expect(span.attributes["gen_ai.response.time_to_first_chunk"]).toBeUndefined();
  });

  it("counts Anthropic cache writes reported with the TTL breakdown (cache_creation 0, ephemeral keys set)", () => {
    const { tracing, manager } = setup();
    // Anthropic's payload for a call that wrote 500 tokens to the cache, normalized by the fixtures' rule.
    const { usage_metadata: usage } = normalizeResponse(
      {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-20250929",
        content: [{ type: "text", text: "ok" }],
        stop_reason: "end_turn",
        usage: {
          input_tokens: 12,
          cache_creation_input_tokens: 500,
          cache_read_input_tokens: 0,
          cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 200 },
          output_tokens: 3,
        },
      },
      { provider: "anthropic" },
    );
    expect(usage?.input_token_details?.cache_creation).toBe(0);
    void CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { ls_provider: "anthropic", ls_model_name: "claude-sonnet-4-5" },
    })
      .handleChatModelStart({ name: "ChatAnthropic" }, [[]])
      .handleLLMEnd({ generations: [[generation(usage, { model_name: "claude-sonnet-4-5-20250929" })]] });
    const span = tracing.span("chat claude-sonnet-4-5");
    expect(span.attributes["gen_ai.usage.cache_creation.input_tokens"]).toBe(500);
    expect(span.attributes["gen_ai.usage.input_tokens"]).toBe(512);
  });

  it.each([
    ["openai", "openai"],
    ["anthropic", "anthropic"],
    ["amazon_bedrock", "aws.bedrock"],
    ["google_genai", "gcp.gemini"],
    ["google_vertexai", "gcp.vertex_ai"],
    ["mistralai", "mistral_ai"],
    ["groq", "groq"],
    ["cohere", "cohere"],
    ["azure", "azure.ai.openai"],
    ["xai", "x_ai"],
    ["fireworks", "fireworks"],
    ["together", "together"],
    ["ollama", "ollama"],
  ])("maps ls_provider %s to gen_ai.provider.name %s", (lsProvider, expected) => {
    const { tracing, handler } = setup();
    handler.handleChatModelStart({ name: "m" }, [[]], "run-1", undefined, undefined, undefined, {
      ls_provider: lsProvider,
    });
    handler.handleLLMEnd({ generations: [] }, "run-1");
    expect(tracing.spans()[0]?.attributes["gen_ai.provider.name"]).toBe(expected);
  });

  it.each([
    ["finish_reason", { finish_reason: "tool_calls" }, "tool_calls"],
    ["stop_reason (Anthropic)", { stop_reason: "end_turn" }, "end_turn"],
    ["stopReason (Bedrock Converse)", { stopReason: "max_tokens" }, "max_tokens"],
    ["done_reason (Ollama)", { done_reason: "stop" }, "stop"],
    ["status (OpenAI Responses)", { status: "completed" }, "completed"],
  ])("reads the finish reason from %s", (_label, responseMetadata, expected) => {
    const { tracing, manager } = setup();
    void manager
      .handleChatModelStart({ name: "m" }, [[]])
      .handleLLMEnd({ generations: [[generation(undefined, responseMetadata)]] });
    expect(tracing.spans()[0]?.attributes["gen_ai.response.finish_reasons"]).toEqual([expected]);
  });

  it("text completion: LLM runs, legacy llmOutput usage and model, generationInfo finish reason", () => {
    const { tracing, manager } = setup();
    const run = manager.handleLLMStart(
      { id: ["langchain", "llms", "openai", "OpenAI"] },
      ["Say hi"],
      undefined,
      undefined,
      {
        invocation_params: { model_name: "gpt-3.5-turbo-instruct", max_tokens: -1, stop: "\n" },
      },
    );
    void run.handleLLMEnd({
      generations: [[{ text: "hi", generationInfo: { finish_reason: "stop" } }]],
      llmOutput: {
        tokenUsage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 },
        model_name: "gpt-3.5-turbo-instruct-0914",
        id: "cmpl-9",
      },
    });
    const span = tracing.span("text_completion gpt-3.5-turbo-instruct");
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "text_completion",
      "gen_ai.request.stop_sequences": ["\n"],
      "gen_ai.response.model": "gpt-3.5-turbo-instruct-0914",
      "gen_ai.response.id": "cmpl-9",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 3,
      "gen_ai.usage.output_tokens": 1,
    });
    // LangChain's "-1 = no limit" is not a token limit.
    expect(span.attributes["gen_ai.request.max_tokens"]).toBeUndefined();
    expect(span.attributes["gen_ai.usage.cache_read.input_tokens"]).toBeUndefined();
  });

  it("reads parameters nested in provider configs (Bedrock inferenceConfig) and message ids as response ids", () => {
    const { tracing, manager } = setup();
    const run = manager.handleChatModelStart({ name: "ChatBedrockConverse" }, [[]], undefined, undefined, {
      invocation_params: {
        model_id: "anthropic.claude-3-haiku",
        inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 1, stopSequences: ["x"] },
      },
    });
    void run.handleLLMEnd({
      generations: [[{ text: "", message: { content: "", id: "msg_01", response_metadata: {} } }]],
    });
    expect(tracing.spans()[0]?.attributes).toMatchObject({
      "gen_ai.request.model": "anthropic.claude-3-haiku",
      "gen_ai.request.max_tokens": 100,
      "gen_ai.request.temperature": 0.5,
      "gen_ai.request.top_p": 1,
      "gen_ai.request.stop_sequences": ["x"],
      "gen_ai.response.id": "msg_01",
    });
  });

  it("streaming: time to first chunk and gen_ai.request.stream, from the first token only", () => {
    const { tracing, manager } = setup();
    const run = manager.handleChatModelStart({ name: "m" }, [[]], undefined, undefined, {
      invocation_params: { model: "gpt-4o" },
    });
    for (const token of ["Hel", "lo", "!"]) void run.handleLLMNewToken(token);
    void run.handleLLMEnd({
      generations: [[generation({ input_tokens: 5, output_tokens: 3, total_tokens: 8 }, { finish_reason: "stop" })]],
    });

    const span = tracing.span("chat gpt-4o");
    const ttfc = span.attributes["gen_ai.response.time_to_first_chunk"] as number;
    expect(span.attributes["gen_ai.request.stream"]).toBe(true);
    expect(ttfc).toBeGreaterThanOrEqual(0);
    expect(ttfc * 1e6).toBeLessThanOrEqual(microsOf(span.endTime) - microsOf(span.startTime));
    expect(span.events).toHaveLength(0);
    expect(span.attributes["gen_ai.usage.output_tokens"]).toBe(3);
  });

  it("a stream that errors ends its span with the error and its time to first chunk", () => {
    const { tracing, manager } = setup();
    const run = manager.handleChatModelStart({ name: "m" }, [[]], undefined, undefined, {
      invocation_params: { model: "gpt-4o" },
    });
    void run.handleLLMNewToken("Hel");
    void run.handleLLMError(Object.assign(new Error("socket hang up"), { name: "APIConnectionError" }));
    const span = tracing.span("chat gpt-4o");
    expect(span.ended).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes["error.type"]).toBe("APIConnectionError");
    expect(span.attributes["gen_ai.response.time_to_first_chunk"]).toBeTypeOf("number");
  });

  it("invalid usage is dropped with a warning; the span still ends with the rest", () => {
    const { tracing, manager } = setup();
    void manager.handleChatModelStart({ name: "m" }, [[]]).handleLLMEnd({
      generations: [[generation({ input_tokens: -5, output_tokens: 2 }, { model_name: "m-1", finish_reason: "stop" })]],
    });
    const span = tracing.spans()[0];
    expect(span?.attributes["gen_ai.usage.input_tokens"]).toBeUndefined();
    expect(span?.attributes["gen_ai.response.model"]).toBe("m-1");
    expect(warnings.map((w) => w.code)).toContain("invalid_usage");
  });

  it("a chain reporting as an llm run (traceable) is a model span with usage from outputs.usage_metadata", () => {
    const { tracing, manager } = setup();
    const run = CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { ls_provider: "anthropic", ls_model_name: "claude-sonnet-4-5" },
    }).handleChainStart({ name: "call_claude" }, { prompt: "hi" }, undefined, "llm");
    void run.handleChainEnd({
      content: "hello",
      usage_metadata: { input_tokens: 20, output_tokens: 4, total_tokens: 24, input_token_details: { cache_read: 16 } },
      response_metadata: { model_name: "claude-sonnet-4-5-20250929", stop_reason: "end_turn" },
    });
    const span = tracing.span("chat claude-sonnet-4-5");
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      "gen_ai.provider.name": "anthropic",
      "gen_ai.response.model": "claude-sonnet-4-5-20250929",
      "gen_ai.response.finish_reasons": ["end_turn"],
      "gen_ai.usage.input_tokens": 20,
      "gen_ai.usage.cache_read.input_tokens": 16,
      "langsmith.span.kind": "llm",
      "langsmith.trace.name": "call_claude",
    });
  });

  it("a chain reporting as an embedding run is an embeddings span", () => {
    const { tracing, manager } = setup();
    void CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { ls_model_name: "text-embedding-3-small" },
    })
      .handleChainStart({ name: "embed" }, {}, undefined, "embedding")
      .handleChainEnd({});
    const span = tracing.span("embeddings text-embedding-3-small");
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes["gen_ai.operation.name"]).toBe("embeddings");
    expect(span.attributes["langsmith.span.kind"]).toBe("embedding");
  });
});

describe("tool, retriever and chain spans", () => {
  it("tools: execute_tool {name}, INTERNAL, tool name, call id and description", () => {
    const { tracing, manager } = setup();
    void manager
      .handleToolStart(
        { name: "get_weather", description: "Weather by city" },
        '{"city":"Paris"}',
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        "call_42",
      )
      .handleToolEnd("rainy");
    const span = tracing.span("execute_tool get_weather");
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "gen_ai.tool.call.id": "call_42",
      "gen_ai.tool.description": "Weather by city",
      "langsmith.span.kind": "tool",
    });
  });

  it("retrievers: CLIENT span retrieval {gen_ai.data_source.id}, the id from metadata, else the retriever", () => {
    const { tracing, manager } = setup();
    void manager
      .handleRetrieverStart({ id: ["langchain", "retrievers", "VectorStoreRetriever"] }, "query")
      .handleRetrieverEnd([]);
    void CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { "gen_ai.data_source.id": "kb-docs", ls_vector_store_provider: "PGVectorStore" },
    })
      .handleRetrieverStart({ id: ["langchain", "retrievers", "VectorStoreRetriever"] }, "query")
      .handleRetrieverEnd([]);
    void CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { ls_vector_store_provider: "PGVectorStore" },
    })
      .handleRetrieverStart({ id: ["langchain", "retrievers", "VectorStoreRetriever"] }, "query")
      .handleRetrieverEnd([]);
    for (const id of ["VectorStoreRetriever", "kb-docs", "PGVectorStore"]) {
      const span = tracing.span(`retrieval ${id}`);
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toMatchObject({
        "gen_ai.operation.name": "retrieval",
        "gen_ai.data_source.id": id,
        "langsmith.span.kind": "retriever",
      });
    }
  });

  it("chains: agents anywhere; other chains, the root included, plain INTERNAL spans; other run types kept", () => {
    const { tracing, manager } = setup();
    const root = manager.handleChainStart({ name: "pipeline" }, {});
    const child = root.getChild();
    void child.handleChainStart({ id: ["langchain", "agents", "AgentExecutor"] }, {}).handleChainEnd({});
    void child.handleChainStart({ id: ["langchain_core", "runnables", "RunnableSequence"] }, {}).handleChainEnd({});
    void child.handleChainStart({ name: "ChatPromptTemplate" }, {}, undefined, "prompt").handleChainEnd({});
    void root.handleChainEnd({});

    // One agent is no grouping of agents: the root stays a plain span named after the run.
    const pipeline = tracing.span("pipeline");
    expect(pipeline.kind).toBe(SpanKind.INTERNAL);
    expect(pipeline.attributes["gen_ai.operation.name"]).toBeUndefined();
    expect(pipeline.attributes["gen_ai.workflow.name"]).toBeUndefined();
    expect(tracing.span("invoke_agent AgentExecutor").attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "AgentExecutor",
      "langsmith.span.kind": "chain",
    });
    const sequence = tracing.span("RunnableSequence");
    expect(sequence.attributes["gen_ai.operation.name"]).toBeUndefined();
    expect(sequence.attributes["langsmith.span.kind"]).toBe("chain");
    expect(tracing.span("ChatPromptTemplate").attributes["langsmith.span.kind"]).toBe("prompt");
  });

  it("a root chain running agents of two names (not nested in one another) is invoke_workflow", () => {
    const { tracing, manager } = setup();
    const root = manager.handleChainStart({ name: "support_graph" }, {});
    const node = root.getChild().handleChainStart({ name: "route" }, {});
    const researcher = node.getChild().handleChainStart({ name: "research_agent" }, {});
    // A sub-agent inside an agent does not make a grouping on its own.
    void researcher.getChild().handleChainStart({ name: "search_agent" }, {}).handleChainEnd({});
    void researcher.handleChainEnd({});
    void node.handleChainEnd({});
    const single = manager.handleChainStart({ name: "single" }, {});
    void single.getChild().handleChainStart({ name: "research_agent" }, {}).handleChainEnd({});
    void single.getChild().handleChainStart({ name: "research_agent" }, {}).handleChainEnd({});
    void single.handleChainEnd({});
    void root.getChild().handleChainStart({ name: "writer_agent" }, {}).handleChainEnd({});
    void root.handleChainEnd({});

    expect(tracing.span("invoke_workflow support_graph").attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_workflow",
      "gen_ai.workflow.name": "support_graph",
    });
    expect(tracing.span("route").attributes["gen_ai.operation.name"]).toBeUndefined();
    expect(tracing.span("single").attributes["gen_ai.operation.name"]).toBeUndefined();
  });

  it("run metadata gen_ai.operation.name sets a chain's operation where it first appears, not on its children", () => {
    const { tracing, manager } = setup();
    const root = CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { "gen_ai.operation.name": "invoke_workflow" },
    }).handleChainStart({ name: "etl" }, {});
    // LangChain hands a run's metadata on to its children: the inherited key changes nothing there.
    void root.getChild().handleChainStart({ name: "step" }, {}).handleChainEnd({});
    void CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { "gen_ai.operation.name": "invoke_agent" },
    })
      .handleChainStart({ name: "helper" }, {})
      .handleChainEnd({});
    void CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { "gen_ai.operation.name": "chat" },
    })
      .handleChainStart({ name: "ignored" }, {})
      .handleChainEnd({});
    void root.handleChainEnd({});

    expect(tracing.span("invoke_workflow etl").attributes["gen_ai.workflow.name"]).toBe("etl");
    expect(tracing.span("step").attributes["gen_ai.operation.name"]).toBeUndefined();
    expect(tracing.span("invoke_agent helper").attributes["gen_ai.agent.name"]).toBe("helper");
    expect(tracing.span("ignored").attributes["gen_ai.operation.name"]).toBeUndefined();
  });

  it("gen_ai.provider.name: ls_provider, else the serialized class; an agent gets its metadata's or its first model's", () => {
    const { tracing, manager } = setup();
    const agent = manager.handleChainStart({ name: "research_agent" }, {});
    const chats = [
      ["langchain", "chat_models", "anthropic", "ChatAnthropic"],
      ["langchain", "chat_models", "openai", "ChatOpenAI"],
    ];
    for (const id of chats) {
      void agent
        .getChild()
        .handleChatModelStart({ id }, [[]], undefined, undefined, { invocation_params: { model: id[3] } })
        .handleLLMEnd({ generations: [] });
    }
    void agent.handleChainEnd({});
    const labelled = CallbackManager.configure({
      callbacks: manager.handlers,
      metadata: { ls_provider: "amazon_bedrock" },
    }).handleChainStart({ name: "bedrock_agent" }, {});
    void labelled.handleChainEnd({});
    void manager
      .handleChatModelStart({ id: ["FakeListChatModel"] }, [[]], undefined, undefined, {
        invocation_params: { model: "fake" },
      })
      .handleLLMEnd({ generations: [] });

    expect(tracing.span("chat ChatAnthropic").attributes["gen_ai.provider.name"]).toBe("anthropic");
    expect(tracing.span("chat ChatOpenAI").attributes["gen_ai.provider.name"]).toBe("openai");
    expect(tracing.span("invoke_agent research_agent").attributes["gen_ai.provider.name"]).toBe("anthropic");
    expect(tracing.span("invoke_agent bedrock_agent").attributes["gen_ai.provider.name"]).toBe("aws.bedrock");
    // An unknown class names no provider rather than a wrong one.
    expect(tracing.span("chat fake").attributes["gen_ai.provider.name"]).toBeUndefined();
  });

  it("LangSmith labels: tags joined, metadata typed or JSON, unserializable metadata dropped with a warning", () => {
    const { tracing, manager } = setup();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    void CallbackManager.configure({
      callbacks: manager.handlers,
      tags: ["prod", "v2"],
      metadata: { user: "u1", attempt: 2, beta: true, config: { region: "eu" }, nothing: null, cyclic },
    })
      .handleChainStart({ name: "labelled" }, {})
      .handleChainEnd({});
    const span = tracing.span("labelled");
    expect(span.attributes).toMatchObject({
      "langsmith.span.tags": "prod, v2",
      "langsmith.metadata.user": "u1",
      "langsmith.metadata.attempt": 2,
      "langsmith.metadata.beta": true,
      "langsmith.metadata.config": '{"region":"eu"}',
    });
    expect(span.attributes["langsmith.metadata.nothing"]).toBeUndefined();
    expect(span.attributes["langsmith.metadata.cyclic"]).toBeUndefined();
    expect(warnings.map((w) => w.code)).toContain("otel_attribute_dropped");
  });
});

describe("results LangChain passes", () => {
  it("reads LLMResult batches with several prompts", () => {
    const { tracing, manager } = setup();
    const result: LLMResult = {
      generations: [
        [generation({ input_tokens: 1, output_tokens: 1, total_tokens: 2 }, { finish_reason: "stop" })],
        [generation({ input_tokens: 2, output_tokens: 2, total_tokens: 4 }, { finish_reason: "stop" })],
      ],
    };
    void manager.handleLLMStart({ name: "m" }, ["a", "b"]).handleLLMEnd(result);
    expect(tracing.spans()[0]?.attributes).toMatchObject({
      "gen_ai.usage.input_tokens": 3,
      "gen_ai.usage.output_tokens": 3,
      "gen_ai.response.finish_reasons": ["stop", "stop"],
    });
  });
});
