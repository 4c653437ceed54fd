import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import type { LLMResult } from "../../schemas/index.js";
import {
  contentCaptureEnabled,
  OpenTelemetryCallbackHandler,
  type OpenTelemetryCallbackHandlerOptions,
} from "../../src/otel/index.js";
import { specFinishReason } from "../../src/otel/content.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { testTracing } from "../support/otel-setup.js";

const warnings = captureWarnings();
const ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
const SECRET = "s3cr3t-4242";
const CONTENT_ATTRIBUTES = [
  "gen_ai.system_instructions",
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
  "gen_ai.retrieval.query.text",
  "gen_ai.prompt",
  "gen_ai.completion",
];

afterEach(() => {
  delete process.env[ENV];
});

const answer: LLMResult = {
  generations: [
    [
      {
        text: `The code is ${SECRET}`,
        message: {
          content: `The code is ${SECRET}`,
          tool_calls: [{ id: "call_1", name: "lookup", args: { key: SECRET } }],
          response_metadata: { finish_reason: "tool_calls" },
        },
      },
    ],
  ],
};

/** One chat call, one tool call and one retrieval, all carrying the secret. */
function runEverything(options: OpenTelemetryCallbackHandlerOptions): ReadableSpan[] {
  const tracing = testTracing();
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider, ...options });
  const manager = CallbackManager.configure({ callbacks: [handler] });
  const chat = manager.handleChatModelStart({ name: "m" }, [[{ role: "user", content: `What is ${SECRET}?` }]]);
  void chat.handleLLMNewToken(SECRET);
  void chat.handleLLMEnd(answer);
  void manager.handleToolStart({ name: "lookup" }, JSON.stringify({ key: SECRET })).handleToolEnd(`value of ${SECRET}`);
  void manager.handleRetrieverStart({ name: "docs" }, `find ${SECRET}`).handleRetrieverEnd([{ pageContent: SECRET }]);
  void manager
    .handleLLMStart({ name: "llm" }, [`complete ${SECRET}`])
    .handleLLMEnd({ generations: [[{ text: SECRET }]] });
  return tracing.spans();
}

function attributeOf(spans: ReadableSpan[], name: string, key: string): unknown {
  return spans.find((span) => span.name === name)?.attributes[key];
}

describe("content capture", () => {
  it("is off by default: no content attribute, and the content appears nowhere on any span", () => {
    const spans = runEverything({});
    expect(spans).toHaveLength(4);
    for (const span of spans) {
      for (const key of CONTENT_ATTRIBUTES) expect(span.attributes[key]).toBeUndefined();
      expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
      expect(JSON.stringify(span.events)).not.toContain(SECRET);
      expect(span.name).not.toContain(SECRET);
    }
  });

  it("is turned on by OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true", () => {
    process.env[ENV] = "true";
    const spans = runEverything({});
    expect(JSON.parse(attributeOf(spans, "chat", "gen_ai.input.messages") as string)).toEqual([
      { role: "user", parts: [{ type: "text", content: `What is ${SECRET}?` }] },
    ]);
    expect(JSON.parse(attributeOf(spans, "chat", "gen_ai.output.messages") as string)).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "text", content: `The code is ${SECRET}` },
          { type: "tool_call", id: "call_1", name: "lookup", arguments: { key: SECRET } },
        ],
        finish_reason: "tool_call", // the output-messages schema's value for OpenAI's "tool_calls"
      },
    ]);
    expect(JSON.parse(attributeOf(spans, "execute_tool lookup", "gen_ai.tool.call.arguments") as string)).toEqual({
      key: SECRET,
    });
    expect(attributeOf(spans, "execute_tool lookup", "gen_ai.tool.call.result")).toBe(`value of ${SECRET}`);
    expect(attributeOf(spans, "retrieval docs", "gen_ai.retrieval.query.text")).toBe(`find ${SECRET}`);
    expect(JSON.parse(attributeOf(spans, "text_completion", "gen_ai.input.messages") as string)).toEqual([
      { role: "user", parts: [{ type: "text", content: `complete ${SECRET}` }] },
    ]);
    expect(JSON.parse(attributeOf(spans, "text_completion", "gen_ai.output.messages") as string)).toEqual([
      { role: "assistant", parts: [{ type: "text", content: SECRET }], finish_reason: "unknown" },
    ]);
  });

  it("the option wins over the environment, both ways", () => {
    process.env[ENV] = "true";
    for (const span of runEverything({ captureContent: false })) {
      expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
    }
    delete process.env[ENV];
    const spans = runEverything({ captureContent: true });
    expect(attributeOf(spans, "chat", "gen_ai.input.messages")).toBeTypeOf("string");
  });

  it("ignores other values of the environment switch", () => {
    process.env[ENV] = "1";
    for (const span of runEverything({})) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
  });

  it("converts LangChain messages (instances, serialized, plain, OpenAI-style) to the spec's role + parts", () => {
    const tracing = testTracing();
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider, captureContent: true });
    const messages = [
      new SystemMessage("Be brief."),
      new HumanMessage({
        content: [
          { type: "text", text: "What is in this image?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0K" } },
        ],
      }),
      new AIMessage({ content: "", tool_calls: [{ id: "call_9", name: "describe", args: { detail: "high" } }] }),
      new ToolMessage({ content: "a cat", tool_call_id: "call_9" }),
      {
        lc: 1,
        type: "constructor",
        id: ["langchain_core", "messages", "HumanMessage"],
        kwargs: { content: "and now?" },
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_10", type: "function", function: { name: "zoom", arguments: '{"factor":2}' } }],
      },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: "https://example.com/cat.png" },
          { type: "input_audio", input_audio: { format: "wav" } },
        ],
      },
      {
        type: "ai",
        content: [
          { type: "thinking", thinking: "hmm" },
          { type: "tool_use", id: "toolu_1", name: "zoom", input: { factor: 3 } },
        ],
        tool_calls: [{ id: "toolu_1", name: "zoom", args: { factor: 3 } }],
      },
    ];
    handler.handleChatModelStart({ name: "m" }, [messages], "run-1");
    handler.handleLLMEnd({ generations: [[{ text: "A cat." }]] }, "run-1");
    expect(JSON.parse(tracing.spans()[0]?.attributes["gen_ai.input.messages"] as string)).toEqual([
      { role: "system", parts: [{ type: "text", content: "Be brief." }] },
      {
        role: "user",
        parts: [
          { type: "text", content: "What is in this image?" },
          { type: "blob", modality: "image", mime_type: "image/png", content: "iVBORw0K" },
        ],
      },
      {
        role: "assistant",
        parts: [{ type: "tool_call", id: "call_9", name: "describe", arguments: { detail: "high" } }],
      },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_9", response: "a cat" }] },
      { role: "user", parts: [{ type: "text", content: "and now?" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "call_10", name: "zoom", arguments: { factor: 2 } }] },
      {
        role: "user",
        parts: [
          { type: "uri", modality: "image", uri: "https://example.com/cat.png" },
          { type: "input_audio", input_audio: { format: "wav" } },
        ],
      },
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "hmm" },
          { type: "tool_call", id: "toolu_1", name: "zoom", arguments: { factor: 3 } },
        ],
      },
    ]);
  });

  it("records a ToolMessage result as its content", () => {
    const tracing = testTracing();
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider, captureContent: true });
    handler.handleToolStart({ name: "lookup" }, "plain text input", "run-1");
    handler.handleToolEnd(new ToolMessage({ content: "42", tool_call_id: "call_1" }), "run-1");
    const span = tracing.spans()[0];
    expect(span?.attributes["gen_ai.tool.call.arguments"]).toBe("plain text input");
    expect(span?.attributes["gen_ai.tool.call.result"]).toBe("42");
  });
});

describe("maskContent", () => {
  it("sees every kind of content before it is recorded and may rewrite or drop it", () => {
    const seen: string[] = [];
    const spans = runEverything({
      captureContent: true,
      maskContent: (content) => {
        seen.push(content.kind);
        if (content.kind === "tool.result") return undefined;
        if (content.kind === "input.messages" || content.kind === "output.messages") {
          const messages = JSON.parse(
            JSON.stringify(content.messages).replaceAll(SECRET, "[REDACTED]"),
          ) as typeof content.messages;
          return { ...content, messages } as typeof content;
        }
        return { kind: content.kind, value: "[REDACTED]" } as typeof content;
      },
    });
    expect(seen.sort()).toEqual(
      [
        "input.messages",
        "input.messages",
        "output.messages",
        "output.messages",
        "retrieval.query",
        "tool.arguments",
        "tool.result",
        // Each run's inputs and outputs, for LangSmith's OTel translator (gen_ai.prompt / gen_ai.completion).
        ...Array.from({ length: 4 }, () => ["run.inputs", "run.outputs"]).flat(),
      ].sort(),
    );
    for (const span of spans) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
    expect(attributeOf(spans, "chat", "gen_ai.input.messages")).toContain("[REDACTED]");
    expect(attributeOf(spans, "execute_tool lookup", "gen_ai.tool.call.arguments")).toBe("[REDACTED]");
    expect(attributeOf(spans, "execute_tool lookup", "gen_ai.tool.call.result")).toBeUndefined();
  });

  it("fails closed: a masker that throws or changes the kind records nothing, with a warning", () => {
    const spans = runEverything({
      captureContent: true,
      maskContent: (content) => {
        if (content.kind === "input.messages") throw new Error("masker bug");
        return { kind: "retrieval.query", value: "x" };
      },
    });
    for (const span of spans) expect(JSON.stringify(span.attributes)).not.toContain(SECRET);
    expect(attributeOf(spans, "retrieval docs", "gen_ai.retrieval.query.text")).toBe("x");
    expect(warnings.filter((w) => w.code === "content_mask_failed").length).toBeGreaterThanOrEqual(2);
  });
});

describe("system instructions", () => {
  function chatSpan(provider: string, messages: unknown[]): ReadableSpan {
    const tracing = testTracing();
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider, captureContent: true });
    void CallbackManager.configure({ callbacks: [handler], metadata: { ls_provider: provider } })
      .handleChatModelStart({ name: "m" }, [messages])
      .handleLLMEnd({ generations: [] });
    const [span] = tracing.spans();
    if (span === undefined) throw new Error("no span");
    return span;
  }
  const messages = [new SystemMessage("Answer in French."), new HumanMessage("Hi"), new SystemMessage("Be brief.")];

  it.each(["anthropic", "amazon_bedrock", "google_genai", "google_vertexai"])(
    "%s takes them apart from the chat: gen_ai.system_instructions, not system messages",
    (provider) => {
      const span = chatSpan(provider, messages);
      expect(JSON.parse(span.attributes["gen_ai.system_instructions"] as string)).toEqual([
        { type: "text", content: "Answer in French." },
        { type: "text", content: "Be brief." },
      ]);
      expect(JSON.parse(span.attributes["gen_ai.input.messages"] as string)).toEqual([
        { role: "user", parts: [{ type: "text", content: "Hi" }] },
      ]);
    },
  );

  it("system messages of a chat history (OpenAI) stay in gen_ai.input.messages, as the spec says", () => {
    const span = chatSpan("openai", messages);
    expect(span.attributes["gen_ai.system_instructions"]).toBeUndefined();
    const roles = (JSON.parse(span.attributes["gen_ai.input.messages"] as string) as { role: string }[]).map(
      (message) => message.role,
    );
    expect(roles).toEqual(["system", "user", "system"]);
  });

  it("a request without system messages records no instructions", () => {
    const span = chatSpan("anthropic", [new HumanMessage("Hi")]);
    expect(span.attributes["gen_ai.system_instructions"]).toBeUndefined();
  });
});

describe("capture modes and the schema's finish reasons", () => {
  it.each([
    ["true", true],
    ["TRUE", true],
    ["SPAN_ONLY", true],
    ["span_and_event", true],
    ["EVENT_ONLY", false], // runledger emits no GenAI events: nothing goes on spans
    ["NO_CONTENT", false],
    ["false", false],
    ["", false],
    ["yes", false],
  ])("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=%s → content on spans: %s", (value, expected) => {
    expect(contentCaptureEnabled(undefined, { [ENV]: value })).toBe(expected);
  });

  it("maps every provider fixture's finish reason to one of the output-messages schema's values", () => {
    // The schema's FinishReason values (GenAI output-messages JSON schema).
    const schema = new Set(["stop", "length", "content_filter", "tool_call", "error"]);
    const dir = path.join(import.meta.dirname, "../../../shared/fixtures/providers");
    const unmapped = new Set<string>();
    let seen = 0;
    for (const provider of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
      for (const file of readdirSync(path.join(dir, provider.name)).filter((name) => name.endsWith(".json"))) {
        const fixture = JSON.parse(readFileSync(path.join(dir, provider.name, file), "utf8")) as {
          expected_finish_reason?: unknown;
        };
        if (typeof fixture.expected_finish_reason !== "string") continue;
        seen++;
        if (!schema.has(specFinishReason(fixture.expected_finish_reason))) unmapped.add(fixture.expected_finish_reason);
      }
    }
    expect(seen).toBeGreaterThan(20);
    expect([...unmapped]).toEqual([]);
  });

  it("records each run's inputs and outputs where LangSmith's OTel translator reads them, and the project", () => {
    const tracing = testTracing();
    const handler = new OpenTelemetryCallbackHandler({
      tracerProvider: tracing.provider,
      captureContent: true,
      projectName: "checkout",
    });
    const manager = CallbackManager.configure({ callbacks: [handler] });
    const chain = manager.handleChainStart({ id: ["RunnableSequence"] }, { question: "2+2?" });
    void chain.handleChainEnd({ answer: "4" });
    const [span] = tracing.spans();
    expect(JSON.parse(span?.attributes["gen_ai.prompt"] as string)).toEqual({ question: "2+2?" });
    expect(JSON.parse(span?.attributes["gen_ai.completion"] as string)).toEqual({ answer: "4" });
    expect(span?.attributes["langsmith.trace.session_name"]).toBe("checkout");
  });
});
