import { awaitAllCallbacks } from "@langchain/core/callbacks/promises";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { SpanKind } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { OpenTelemetryCallbackHandler } from "../../src/otel/index.js";
import { parentIdOf, testTracing } from "../support/otel-setup.js";

describe("passed to LangChain.js in callbacks: [...]", () => {
  it("traces a real prompt | model chain with the same tree", async () => {
    const tracing = testTracing();
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider });
    const chain = ChatPromptTemplate.fromMessages([["human", "Tell me about {topic}"]]).pipe(
      new FakeListChatModel({ responses: ["Otters hold hands."] }),
    );
    await chain.invoke({ topic: "otters" }, { callbacks: [handler], tags: ["demo"] });
    await awaitAllCallbacks();

    // A plain sequence groups no agents: an INTERNAL span named after the run, no GenAI operation.
    const root = tracing.span("RunnableSequence");
    expect(root.kind).toBe(SpanKind.INTERNAL);
    expect(root.attributes["gen_ai.operation.name"]).toBeUndefined();
    const prompt = tracing.span("ChatPromptTemplate");
    const chat = tracing.spans().find((span) => span.attributes["gen_ai.operation.name"] === "chat");
    expect(chat?.kind).toBe(SpanKind.CLIENT);
    expect(parentIdOf(prompt)).toBe(root.spanContext().spanId);
    expect(chat && parentIdOf(chat)).toBe(root.spanContext().spanId);
    expect(prompt.attributes["langsmith.span.kind"]).toBe("prompt");
    expect(root.attributes["langsmith.span.tags"]).toBe("demo");
    expect(chat?.attributes["langsmith.span.parent_id"]).toBe(root.attributes["langsmith.span.id"]);
    expect(handler.openSpanCount).toBe(0);
  });

  it("traces a streamed call: one span, time to first chunk", async () => {
    const tracing = testTracing();
    const handler = new OpenTelemetryCallbackHandler({ tracerProvider: tracing.provider });
    const model = new FakeListChatModel({ responses: ["Hello there"] });
    let text = "";
    for await (const chunk of await model.stream("Hi", { callbacks: [handler] })) text += String(chunk.content);
    await awaitAllCallbacks();
    expect(text).toBe("Hello there");
    expect(tracing.spans()).toHaveLength(1);
    expect(tracing.spans()[0]?.attributes["gen_ai.request.stream"]).toBe(true);
    expect(tracing.spans()[0]?.attributes["gen_ai.response.time_to_first_chunk"]).toBeTypeOf("number");
  });
});
