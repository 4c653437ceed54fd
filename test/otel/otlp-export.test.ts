import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallbackManager } from "../../callbacks/index.js";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { useContextManager } from "../support/otel-setup.js";

useContextManager();

/** An OTLP/HTTP span as the exporter's JSON encoding sends it (ids in hex). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: { resourceSpans?: { scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[] }[] };
}

const received: Received[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        path: request.url ?? "",
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function spansOf(requests: Received[]): OtlpSpan[] {
  return requests.flatMap((request) =>
    (request.body.resourceSpans ?? []).flatMap((resource) =>
      (resource.scopeSpans ?? []).flatMap((scope) => scope.spans ?? []),
    ),
  );
}

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((entry) => entry.key === key)?.value;
  if (value === undefined) return undefined;
  if ("stringValue" in value) return value.stringValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("boolValue" in value) return value.boolValue;
  return value;
}

describe("export through the real OTLP/HTTP exporter", () => {
  it("delivers the spans to a collector parented as the runs were, with GenAI and LangSmith attributes", async () => {
    const provider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
    });
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: provider });
    const manager = CallbackManager.configure({
      callbacks: [handler],
      metadata: { ls_provider: "anthropic" },
    });

    let runIds: { agent: string; chat: string; tool: string } | undefined;
    provider.getTracer("http-server").startActiveSpan("POST /chat", (serverSpan) => {
      const agent = manager.handleChainStart({ name: "support_agent" }, { question: "refund?" });
      const chat = agent.getChild().handleChatModelStart({ name: "ChatAnthropic" }, [[]], undefined, undefined, {
        invocation_params: { model: "claude-haiku-4-5", max_tokens: 1024 },
      });
      void chat.handleLLMEnd({
        generations: [
          [
            {
              text: "",
              message: {
                content: "",
                usage_metadata: {
                  input_tokens: 2048,
                  output_tokens: 64,
                  total_tokens: 2112,
                  input_token_details: { cache_read: 2000 },
                },
                response_metadata: { id: "msg_1", model_name: "claude-haiku-4-5-20251001", stop_reason: "tool_use" },
              },
            },
          ],
        ],
      });
      const tool = agent.getChild().handleToolStart({ name: "refund_policy" }, "{}");
      void tool.handleToolEnd("30 days");
      void agent.handleChainEnd({ answer: "30 days" });
      serverSpan.end();
      runIds = { agent: agent.runId, chat: chat.runId, tool: tool.runId };
    });
    await provider.forceFlush();
    await provider.shutdown();

    expect(received.length).toBeGreaterThan(0);
    for (const request of received) {
      expect(request.path).toBe("/v1/traces");
      expect(request.headers["content-type"]).toBe("application/json");
    }
    const spans = spansOf(received);
    const byName = new Map(spans.map((span) => [span.name, span]));
    const server = byName.get("POST /chat");
    const agent = byName.get("invoke_agent support_agent");
    const chat = byName.get("chat claude-haiku-4-5");
    const tool = byName.get("execute_tool refund_policy");
    expect([server, agent, chat, tool].every((span) => span !== undefined)).toBe(true);
    if (!server || !agent || !chat || !tool || !runIds) return;

    // The OTel tree: server → agent → { chat, tool }, one trace.
    expect(agent.parentSpanId).toBe(server.spanId);
    expect(chat.parentSpanId).toBe(agent.spanId);
    expect(tool.parentSpanId).toBe(agent.spanId);
    for (const span of [agent, chat, tool]) expect(span.traceId).toBe(server.traceId);
    expect(BigInt(chat.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(agent.startTimeUnixNano));
    expect(BigInt(agent.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(tool.endTimeUnixNano));

    // The LangSmith tree, rebuilt from attributes alone.
    expect(attribute(agent, "langsmith.span.id")).toBe(runIds.agent);
    expect(attribute(agent, "langsmith.span.parent_id")).toBeUndefined();
    expect(attribute(chat, "langsmith.span.parent_id")).toBe(runIds.agent);
    expect(attribute(tool, "langsmith.span.parent_id")).toBe(runIds.agent);
    for (const span of [agent, chat, tool]) expect(attribute(span, "langsmith.trace.id")).toBe(runIds.agent);
    const agentOrder = attribute(agent, "langsmith.span.dotted_order") as string;
    expect(attribute(chat, "langsmith.span.dotted_order")).toMatch(
      new RegExp(`^${agentOrder}\\.\\d{8}T\\d{12}Z${runIds.chat}$`),
    );
    expect(attribute(tool, "langsmith.span.dotted_order")).toMatch(
      new RegExp(`^${agentOrder}\\.\\d{8}T\\d{12}Z${runIds.tool}$`),
    );

    expect(chat.kind).toBe(3); // SPAN_KIND_CLIENT in OTLP
    expect(attribute(chat, "gen_ai.provider.name")).toBe("anthropic");
    expect(attribute(chat, "gen_ai.request.max_tokens")).toBe(1024);
    expect(attribute(chat, "gen_ai.usage.input_tokens")).toBe(2048);
    expect(attribute(chat, "gen_ai.usage.cache_read.input_tokens")).toBe(2000);
    expect(attribute(chat, "gen_ai.response.id")).toBe("msg_1");
    expect(attribute(chat, "langsmith.metadata.ls_provider")).toBe("anthropic");
  });
});
