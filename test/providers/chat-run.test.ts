import { describe, expect, it } from "vitest";
import type { CallbackHandler } from "../../callbacks/index.js";
import type { ChatCallSpec } from "../../src/providers/wrap/chat-call-spec.js";
import { ChatRun } from "../../src/providers/wrap/chat-run.js";
import { RecordingHandler } from "../support/recording-handler.js";

const SPEC: ChatCallSpec = {
  provider: "openai",
  runName: "ChatTest",
  promptKeys: new Set(["messages"]),
  maxTokensKeys: ["max_tokens"],
  stopKey: "stop",
  messages: (request) => (Array.isArray(request.messages) ? request.messages : []),
  textDeltas: () => undefined,
};

const RESULT = { generations: [[{ text: "hi", message: { content: "hi" } }]] };

describe("ChatRun", () => {
  it("holds the end back until awaited start handlers have finished", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const slowStart: CallbackHandler = {
      awaitHandlers: true,
      handleChatModelStart: async () => {
        await gate;
        order.push("start done");
      },
      handleLLMEnd: () => void order.push("end"),
    };
    const run = ChatRun.start(SPEC, { model: "m", messages: [] }, { callbacks: [slowStart] });
    const ended = run.end(RESULT);
    expect(order).toEqual([]);
    release();
    await ended;
    expect(order).toEqual(["start done", "end"]);
  });

  it("ends once: a later end or error is ignored", () => {
    const handler = new RecordingHandler();
    const run = ChatRun.start(SPEC, { model: "m", messages: [] }, { callbacks: [handler] });
    void run.end(RESULT);
    void run.fail(new Error("late"));
    void run.end(RESULT);
    expect(handler.events.map((event) => event.kind)).toEqual(["start", "end"]);
    expect(run.token("x", 0, { chunk: {} })).toBeUndefined();
    expect(handler.tokens()).toEqual([]);
  });

  it("passes the completion index of tokens after the first completion", () => {
    const handler = new RecordingHandler();
    const run = ChatRun.start(SPEC, { model: "m", messages: [] }, { callbacks: [handler] });
    void run.token("a", 0, { chunk: {} });
    void run.token("b", 2, { chunk: {} });
    expect(handler.ofKind("token").map((event) => event.idx)).toEqual([
      { prompt: 0, completion: 0 },
      { prompt: 0, completion: 2 },
    ]);
  });
});
