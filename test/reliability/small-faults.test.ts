import { describe, expect, it } from "vitest";
import {
  awaitAllCallbacks,
  CallbackManager,
  DEFAULT_HANDLER_TIMEOUT_MS,
  setDefaultHandlerTimeout,
  UsageMetadataCallbackHandler,
  type CallbackHandler,
} from "../../callbacks/index.js";
import type { LLMResult, UsageMetadata } from "../../schemas/index.js";
import { fromHeaders } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";

const warnings = captureWarnings();
const RUN_ID = "0190f0e4-0000-7000-8000-000000000001";

describe("smaller faults", () => {
  it("a trace header dated year 9999 is rejected with a warning; one from a minute ago is kept", () => {
    expect(fromHeaders({ "langsmith-trace": `99991231T235959000000Z${RUN_ID}` })).toBeUndefined();
    expect(warnings.map((w) => w.message)).toContain("Ignored a langsmith-trace header dated more than a day ahead");
    const minuteAgo = new Date(Date.now() - 60_000)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.(\d{3})Z$/, "$1000Z");
    expect(fromHeaders({ "langsmith-trace": `${minuteAgo}${RUN_ID}` })?.id).toBe(RUN_ID);
  });

  it("a model named __proto__ keeps its entry in usageMetadata", () => {
    const handler = new UsageMetadataCallbackHandler();
    const usage: UsageMetadata = { input_tokens: 3, output_tokens: 4, total_tokens: 7 };
    const result: LLMResult = {
      generations: [
        [{ text: "", message: { content: "", usage_metadata: usage, response_metadata: { model_name: "__proto__" } } }],
      ],
    };
    void CallbackManager.configure({ callbacks: [handler] })
      .handleChatModelStart({ name: "Chat" }, [[]])
      .handleLLMEnd(result);
    expect(Object.keys(handler.usageMetadata)).toEqual(["__proto__"]);
    expect(Object.getOwnPropertyDescriptor(handler.usageMetadata, "__proto__")?.value).toMatchObject({
      total_tokens: 7,
    });
    expect(Object.getPrototypeOf(handler.usageMetadata)).toBe(Object.prototype);
  });

  it("handler promises that never settle are released after the handler timeout, with one warning", async () => {
    setDefaultHandlerTimeout(20);
    try {
      const hanging: CallbackHandler = { name: "Hanging", handleLLMNewToken: () => new Promise<void>(() => {}) };
      const llm = CallbackManager.configure({ callbacks: [hanging] }).handleChatModelStart({ name: "Chat" }, [[]]);
      for (let i = 0; i < 1000; i++) void llm.handleLLMNewToken("t");
      await new Promise((resolve) => setTimeout(resolve, 100));
      await awaitAllCallbacks({ timeoutMs: 1000 }); // nothing left to wait for: returns at once
      const messages = warnings.filter((w) => w.code === "handler_timeout").map((w) => w.message);
      // All 1000 released; a loaded machine may spread them over two sweeps (no timed assertion).
      const released = messages
        .map((m) => /^(\d+) callback promise\(s\) still pending after the handler timeout: released$/.exec(m)?.[1])
        .reduce((sum, n) => sum + Number(n ?? 0), 0);
      expect(released).toBe(1000);
      expect(messages.some((m) => m.includes("still pending at the deadline"))).toBe(false);
    } finally {
      setDefaultHandlerTimeout(DEFAULT_HANDLER_TIMEOUT_MS);
    }
  });
});

describe("a handler that throws on every token", () => {
  it("is called once per run's tokens after it throws (one warning), still gets its other events and the next run's tokens", () => {
    const calls = { token: 0, end: 0 };
    const thrower: CallbackHandler = {
      name: "TokenThrower",
      handleLLMNewToken() {
        calls.token++;
        throw new Error("token handler broke");
      },
      handleLLMEnd() {
        calls.end++;
      },
    };
    for (let run = 0; run < 2; run++) {
      const llm = CallbackManager.configure({ callbacks: [thrower] }).handleChatModelStart({ name: "Chat" }, [[]]);
      for (let i = 0; i < 1000; i++) void llm.handleLLMNewToken(`t${i}`);
      void llm.handleLLMEnd({ generations: [] });
    }
    expect(calls).toEqual({ token: 2, end: 2 });
    expect(warnings.filter((w) => w.message.includes("TokenThrower"))).toHaveLength(1);
  });
});
