import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import type { LLMResult } from "../../schemas/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { dottedOrderSegment, parseDottedOrder } from "../../src/tracing/dotted-order.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { microsOf, parentIdOf, testTracing, useContextManager } from "../support/otel-setup.js";

useContextManager();
const warnings = captureWarnings();

const chatResult: LLMResult = {
  generations: [
    [
      {
        text: "4",
        message: { content: "4", response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" } },
      },
    ],
  ],
};

function setup(options: { maxOpenRuns?: number } = {}) {
  const tracing = testTracing();
  const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider, ...options });
  // Inheritable, so child runs (getChild, runInContext) report to the handler too.
  const manager = CallbackManager.configure({ callbacks: [handler] });
  return { tracing, handler, manager };
}

function attr(span: { attributes: Record<string, unknown> }, key: string): unknown {
  return span.attributes[key];
}

describe("span tree", () => {
  it("mirrors the run tree: parents, trace, real times and LangSmith ids", () => {
    const { tracing, manager } = setup();
    const agent = manager.handleChainStart({ name: "math_agent" }, { question: "2 + 2?" });
    const child = agent.getChild();
    const chat = child.handleChatModelStart(
      { id: ["langchain", "chat_models", "openai", "ChatOpenAI"] },
      [[]],
      undefined,
      undefined,
      {
        invocation_params: { model: "gpt-4o-mini" },
      },
    );
    void chat.handleLLMEnd(chatResult);
    const tool = child.handleToolStart(
      { name: "calculator" },
      "2 + 2",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      "call_1",
    );
    void tool.handleToolEnd("4");
    void agent.handleChainEnd({ answer: "4" });

    const root = tracing.span("invoke_agent math_agent");
    const chatSpan = tracing.span("chat gpt-4o-mini");
    const toolSpan = tracing.span("execute_tool calculator");
    expect(parentIdOf(root)).toBeUndefined();
    expect(parentIdOf(chatSpan)).toBe(root.spanContext().spanId);
    expect(parentIdOf(toolSpan)).toBe(root.spanContext().spanId);
    for (const span of [chatSpan, toolSpan]) {
      expect(span.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(microsOf(span.startTime)).toBeGreaterThanOrEqual(microsOf(root.startTime));
      expect(microsOf(span.endTime)).toBeLessThanOrEqual(microsOf(root.endTime));
      expect(microsOf(span.endTime)).toBeGreaterThanOrEqual(microsOf(span.startTime));
    }
    expect(microsOf(toolSpan.startTime)).toBeGreaterThanOrEqual(microsOf(chatSpan.endTime));

    expect(root.kind).toBe(SpanKind.INTERNAL);
    expect(chatSpan.kind).toBe(SpanKind.CLIENT);
    expect(toolSpan.kind).toBe(SpanKind.INTERNAL);
    expect(attr(root, "langsmith.span.id")).toBe(agent.runId);
    expect(attr(root, "langsmith.trace.id")).toBe(agent.runId);
    expect(attr(root, "langsmith.span.parent_id")).toBeUndefined();
    expect(attr(chatSpan, "langsmith.span.id")).toBe(chat.runId);
    expect(attr(chatSpan, "langsmith.trace.id")).toBe(agent.runId);
    expect(attr(chatSpan, "langsmith.span.parent_id")).toBe(agent.runId);
    expect(attr(toolSpan, "langsmith.span.parent_id")).toBe(agent.runId);
    expect(attr(root, "langsmith.span.kind")).toBe("chain");
    expect(attr(chatSpan, "langsmith.span.kind")).toBe("llm");
    expect(attr(toolSpan, "langsmith.span.kind")).toBe("tool");
    expect(attr(root, "langsmith.trace.name")).toBe("math_agent");
    expect(attr(chatSpan, "langsmith.trace.name")).toBe("ChatOpenAI");
  });

  it("builds dotted orders from the spans' start times: parent's + '.' + own, parseable", () => {
    const { tracing, manager } = setup();
    const root = manager.handleChainStart({ name: "pipeline" }, {});
    const step = root.getChild().handleChainStart({ name: "step" }, {});
    const chat = step.getChild().handleChatModelStart({ name: "model" }, [[]]);
    void chat.handleLLMEnd(chatResult);
    void step.handleChainEnd({});
    void root.handleChainEnd({});

    const rootSpan = tracing.span("pipeline");
    const stepSpan = tracing.span("step");
    const chatSpan = tracing.span("chat");
    const rootOrder = attr(rootSpan, "langsmith.span.dotted_order") as string;
    const stepOrder = attr(stepSpan, "langsmith.span.dotted_order") as string;
    const chatOrder = attr(chatSpan, "langsmith.span.dotted_order") as string;
    expect(rootOrder).toBe(dottedOrderSegment(microsOf(rootSpan.startTime), root.runId));
    expect(stepOrder).toBe(`${rootOrder}.${dottedOrderSegment(microsOf(stepSpan.startTime), step.runId)}`);
    expect(chatOrder).toBe(`${stepOrder}.${dottedOrderSegment(microsOf(chatSpan.startTime), chat.runId)}`);
    expect(parseDottedOrder(chatOrder)?.map((segment) => segment.runId)).toEqual([root.runId, step.runId, chat.runId]);
  });

  it("gives siblings strictly increasing starts, so their dotted orders sort in execution order", () => {
    const { tracing, manager } = setup();
    const root = manager.handleChainStart({ name: "fan_out" }, {});
    const child = root.getChild();
    const tools = Array.from({ length: 1200 }, (_, i) => child.handleToolStart({ name: `t${i}` }, ""));
    for (const tool of tools) void tool.handleToolEnd("ok");
    void root.handleChainEnd({});

    const byRunId = new Map(tracing.spans().map((span) => [attr(span, "langsmith.span.id"), span]));
    const orders = tools.map((tool) => attr(byRunId.get(tool.runId) as never, "langsmith.span.dotted_order") as string);
    expect([...orders].sort()).toEqual(orders);
    const starts = tools.map((tool) =>
      microsOf((byRunId.get(tool.runId) as { startTime: [number, number] }).startTime),
    );
    for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThan(starts[i - 1] as number);
  });

  it("nests a root run under the OTel span active when it starts (e.g. the user's HTTP server span)", () => {
    const { tracing, manager } = setup();
    const userTracer = tracing.provider.getTracer("http-server");
    userTracer.startActiveSpan("GET /ask", (server) => {
      const run = manager.handleChainStart({ name: "answer" }, {});
      void run.handleChainEnd({});
      server.end();
    });
    const server = tracing.span("GET /ask");
    const root = tracing.span("answer");
    expect(parentIdOf(root)).toBe(server.spanContext().spanId);
    expect(root.spanContext().traceId).toBe(server.spanContext().traceId);
    // Still a LangSmith root: its parent is not a run.
    expect(attr(root, "langsmith.span.parent_id")).toBeUndefined();
    expect(attr(root, "langsmith.trace.id")).toBe(attr(root, "langsmith.span.id"));
  });

  it("makes the run's span active while runInContext executes its body, sync and async", async () => {
    const { tracing, manager } = setup();
    const http = tracing.provider.getTracer("http-client");
    const run = manager.handleChatModelStart({ name: "ChatAnthropic" }, [[]], undefined, undefined, {
      invocation_params: { model: "claude-haiku-4-5" },
    });
    run.runInContext(() => http.startActiveSpan("POST /v1/messages", (span) => span.end()));
    await run.runInContext(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      http.startActiveSpan("POST /v1/messages (retry)", (span) => span.end());
    });
    expect(trace.getActiveSpan()).toBeUndefined();
    void run.handleLLMEnd(chatResult);

    const modelSpan = tracing.span("chat claude-haiku-4-5");
    expect(parentIdOf(tracing.span("POST /v1/messages"))).toBe(modelSpan.spanContext().spanId);
    expect(parentIdOf(tracing.span("POST /v1/messages (retry)"))).toBe(modelSpan.spanContext().spanId);
  });

  it("nests runs started inside a parent's runInContext (ambient parent run) under the parent's span", async () => {
    const { tracing, manager } = setup();
    const agent = manager.handleChainStart({ name: "agent" }, {});
    await agent.runInContext(async () => {
      const chat = CallbackManager.configure().handleChatModelStart({ name: "model" }, [[]]);
      void chat.handleLLMEnd(chatResult);
    });
    void agent.handleChainEnd({});
    const chat = tracing.span("chat");
    expect(parentIdOf(chat)).toBe(tracing.span("invoke_agent agent").spanContext().spanId);
    expect(attr(chat, "langsmith.span.parent_id")).toBe(agent.runId);
  });

  it("treats a run whose parent it never saw as a root", () => {
    const { tracing, handler } = setup();
    handler.handleChainStart(
      { name: "orphan" },
      {},
      "0190f0e4-0000-7000-8000-000000000001",
      "0190f0e4-0000-7000-8000-0000000000ff",
    );
    handler.handleChainEnd({}, "0190f0e4-0000-7000-8000-000000000001");
    const span = tracing.span("orphan");
    expect(parentIdOf(span)).toBeUndefined();
    expect(attr(span, "langsmith.trace.id")).toBe("0190f0e4-0000-7000-8000-000000000001");
    expect(attr(span, "langsmith.span.parent_id")).toBeUndefined();
  });

  it("ignores end events of runs it does not know and a second start of the same run", () => {
    const { tracing, handler, manager } = setup();
    handler.handleChainEnd({}, "never-started");
    handler.handleLLMError(new Error("x"), "never-started");
    const run = manager.handleChainStart({ name: "once" }, {});
    handler.handleChainStart({ name: "once" }, {}, run.runId);
    void run.handleChainEnd({});
    expect(tracing.spans()).toHaveLength(1);
    expect(warnings.map((w) => w.code)).toContain("duplicate_run");
  });
});

describe("errors", () => {
  class RateLimitError extends Error {}

  it("sets status ERROR, error.type and records the exception", () => {
    const { tracing, manager } = setup();
    const root = manager.handleChainStart({ name: "agent" }, {});
    const tool = root.getChild().handleToolStart({ name: "search" }, "q");
    void tool.handleToolError(new RateLimitError("429 Too Many Requests"));
    void root.handleChainError("gave up");

    const toolSpan = tracing.span("execute_tool search");
    expect(toolSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: "429 Too Many Requests" });
    expect(attr(toolSpan, "error.type")).toBe("RateLimitError");
    expect(toolSpan.events.map((event) => event.name)).toEqual(["exception"]);
    expect(toolSpan.events[0]?.attributes?.["exception.message"]).toBe("429 Too Many Requests");

    const rootSpan = tracing.span("invoke_agent agent");
    expect(rootSpan.status.code).toBe(SpanStatusCode.ERROR);
    expect(attr(rootSpan, "error.type")).toBe("_OTHER");
    expect(rootSpan.events[0]?.attributes?.["exception.message"]).toBe("gave up");
  });

  it("leaves the status unset on success (the spec reserves OK for the application)", () => {
    const { tracing, manager } = setup();
    void manager.handleChainStart({ name: "fine" }, {}).handleChainEnd({});
    expect(tracing.span("fine").status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe("runs that never end", () => {
  it("ends a root's open descendants with the root, marked, and ignores their late end events", () => {
    const { tracing, handler, manager } = setup();
    const root = manager.handleChainStart({ name: "agent" }, {});
    const stream = root.getChild().handleChatModelStart({ name: "model" }, [[]]);
    void stream.handleLLMNewToken("Hel");
    const tool = root.getChild().handleToolStart({ name: "slow" }, "");
    void root.handleChainEnd({});

    expect(handler.openSpanCount).toBe(0);
    const rootSpan = tracing.span("invoke_agent agent");
    for (const name of ["chat", "execute_tool slow"]) {
      const span = tracing.span(name);
      expect(attr(span, "runledger.run.unfinished")).toBe("root_ended");
      expect(span.endTime).toEqual(rootSpan.endTime);
      expect(parentIdOf(span)).toBe(rootSpan.spanContext().spanId);
    }
    expect(attr(rootSpan, "runledger.run.unfinished")).toBeUndefined();

    void stream.handleLLMEnd(chatResult);
    void tool.handleToolEnd("late");
    expect(tracing.spans()).toHaveLength(3);
  });

  it("bounds open runs: past maxOpenRuns the oldest trace is ended, with one warning", () => {
    const { tracing, handler, manager } = setup({ maxOpenRuns: 3 });
    const first = manager.handleChainStart({ name: "first" }, {});
    first.getChild().handleToolStart({ name: "stuck" }, "");
    const second = manager.handleChainStart({ name: "second" }, {});
    const third = manager.handleChainStart({ name: "third" }, {});
    expect(tracing.spans().map((span) => [span.name, attr(span, "runledger.run.unfinished")])).toEqual([
      ["execute_tool stuck", "open_run_limit"],
      ["first", "open_run_limit"],
    ]);
    expect(handler.openSpanCount).toBe(2);

    manager.handleChainStart({ name: "fourth" }, {});
    manager.handleChainStart({ name: "fifth" }, {});
    expect(tracing.spans().map((span) => span.name)).toContain("second");
    expect(handler.openSpanCount).toBe(3);
    expect(warnings.filter((w) => w.code === "otel_open_run_limit")).toHaveLength(1);
    void third.handleChainEnd({});
    void second.handleChainEnd({});
    expect(tracing.spans()).toHaveLength(4);
  });

  it("rejects a maxOpenRuns that is not a positive integer, with a warning", () => {
    const { handler, manager } = setup({ maxOpenRuns: Number.NaN });
    expect(warnings.map((w) => w.code)).toContain("invalid_option");
    for (let i = 0; i < 5; i++) manager.handleChainStart({ name: `open${i}` }, {});
    expect(handler.openSpanCount).toBe(5);
  });

  it("endOpenSpans ends everything still open, marked forced", () => {
    const { tracing, handler, manager } = setup();
    manager.handleChainStart({ name: "a" }, {}).getChild().handleToolStart({ name: "t" }, "");
    manager.handleChainStart({ name: "b" }, {});
    expect(handler.endOpenSpans()).toBe(3);
    expect(handler.openSpanCount).toBe(0);
    expect(tracing.spans().map((span) => attr(span, "runledger.run.unfinished"))).toEqual([
      "forced",
      "forced",
      "forced",
    ]);
  });
});
