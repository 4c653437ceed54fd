import { afterEach, describe, expect, it, vi } from "vitest";
import {
  awaitAllCallbacks,
  CallbackManager,
  DEFAULT_HANDLER_TIMEOUT_MS,
  getDefaultHandlerTimeout,
  HandlerTimeoutError,
  setDefaultHandlerTimeout,
  withCallbacks,
  type CallbackHandler,
} from "../../callbacks/index.js";
import { InMemoryRunExporter } from "../../src/export/index.js";
import { RunTracer, traceable } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";

const warnings = captureWarnings();
const never = (): Promise<never> => new Promise<never>(() => {});

afterEach(() => {
  setDefaultHandlerTimeout(DEFAULT_HANDLER_TIMEOUT_MS);
  vi.restoreAllMocks();
});

function chat(handlers: CallbackHandler[]) {
  return CallbackManager.configure({ callbacks: handlers }).handleChatModelStart({ name: "FakeChat" }, [
    [{ role: "user", content: "hi" }],
  ]);
}

describe("handler faults never break the traced app", () => {
  it("a handler that throws on every event, and one that rejects, cost one warning each per event kind; the app and the tracer go on", async () => {
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const thrower: CallbackHandler = new Proxy(
      { name: "Thrower" },
      {
        get: (target, key) =>
          typeof key === "string" && key.startsWith("handle")
            ? () => {
                throw new Error(`${key} broke`);
              }
            : Reflect.get(target, key),
      },
    );
    const rejecter: CallbackHandler = {
      name: "Rejecter",
      awaitHandlers: true,
      handleChainStart: () => Promise.reject(new Error("no start")),
      handleChainEnd: () => Promise.reject(new Error("no end")),
    };
    const step = traceable(
      async (n: number) => {
        const llm = chat([]);
        for (let i = 0; i < 1000; i++) void llm.handleLLMNewToken("t");
        await llm.handleLLMEnd({ generations: [[{ text: "ok" }]] });
        return n + 1;
      },
      { name: "step" },
    );
    const app = traceable(async (n: number) => (await step(n)) + (await step(n)), { name: "app", tracer });
    const results = await withCallbacks([thrower, rejecter], () => Promise.all([app(1), app(2), app(3)]));
    await tracer.forceFlush();

    expect(results).toEqual([4, 6, 8]);
    expect(exporter.getFinishedRuns()).toHaveLength(3 * (1 + 2 * 2)); // app, 2 steps, 2 model calls
    const messages = warnings.filter((w) => w.code === "handler_error").map((w) => w.message);
    expect(messages.filter((m) => m.includes("Thrower, handleLLMNewToken"))).toHaveLength(1); // 6,000 tokens, one warning
    expect(messages).toContain("Error in callback handler Rejecter, handleChainStart: no start");
    expect(messages).toContain("Error in callback handler Rejecter, handleChainEnd: no end");
    expect(new Set(messages).size).toBe(messages.length);
  });

  it("an awaited handler that never settles delays the app by its handlerTimeoutMs, once per call, with one warning", async () => {
    const hung: CallbackHandler = { name: "Hung", awaitHandlers: true, handlerTimeoutMs: 30, handleChainEnd: never };
    const work = traceable(async (n: number) => n * 2, { name: "work" });
    const results = await withCallbacks([hung], async () => [await work(1), await work(2), await work(3)]);
    expect(results).toEqual([2, 4, 6]);
    expect(warnings.map((w) => [w.code, w.message])).toEqual([
      [
        "handler_timeout",
        "Callback handler Hung, handleChainEnd did not settle within 30 ms; continuing without waiting for it",
      ],
    ]);
  });

  it("without its own timeout, an awaited handler gets the process-wide default", async () => {
    expect(getDefaultHandlerTimeout()).toBe(30_000);
    setDefaultHandlerTimeout(25);
    const hung: CallbackHandler = { name: "HungDefault", awaitHandlers: true, handleLLMEnd: never };
    await chat([hung]).handleLLMEnd({ generations: [] });
    expect(warnings.map((w) => w.message)).toEqual([
      "Callback handler HungDefault, handleLLMEnd did not settle within 25 ms; continuing without waiting for it",
    ]);
    expect(() => setDefaultHandlerTimeout(0)).toThrow(expect.objectContaining({ code: "invalid_argument" }));
    expect(() => setDefaultHandlerTimeout(Number.NaN)).toThrow(expect.objectContaining({ code: "invalid_argument" }));
  });

  it("a raiseError handler that hangs rejects the awaiting caller with a HandlerTimeoutError", async () => {
    const hung: CallbackHandler = {
      name: "Strict",
      awaitHandlers: true,
      raiseError: true,
      handlerTimeoutMs: 20,
      handleLLMEnd: never,
    };
    const error: unknown = await chat([hung])
      .handleLLMEnd({ generations: [] })
      ?.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HandlerTimeoutError);
    expect(error).toMatchObject({ handlerName: "Strict", method: "handleLLMEnd", timeoutMs: 20 });
    expect(warnings).toEqual([]);
  });

  it("a handler that settles in time is waited for and its timer is cleared", async () => {
    const done: string[] = [];
    const slow: CallbackHandler = {
      awaitHandlers: true,
      handlerTimeoutMs: 10_000,
      handleLLMEnd: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        done.push("end");
      },
    };
    const clear = vi.spyOn(globalThis, "clearTimeout");
    await chat([slow]).handleLLMEnd({ generations: [] });
    expect(done).toEqual(["end"]);
    expect(clear).toHaveBeenCalledTimes(1);
    expect(warnings).toEqual([]);
  });

  it("sets no timer for synchronous handlers: 10,000 tokens through awaited and plain handlers arm none", async () => {
    const tracer = new RunTracer({ exporter: new InMemoryRunExporter() }); // awaitHandlers, synchronous
    let tokens = 0;
    const counter: CallbackHandler = { awaitHandlers: true, handleLLMNewToken: () => void tokens++ };
    const timers = vi.spyOn(globalThis, "setTimeout");
    const llm = chat([tracer, counter]);
    for (let i = 0; i < 10_000; i++) expect(llm.handleLLMNewToken("x")).toBeUndefined();
    void llm.handleLLMEnd({ generations: [[{ text: "x" }]] });
    expect(tokens).toBe(10_000);
    // Only the tracer's export scheduling may arm a timer, never the dispatch of a token.
    expect(timers.mock.calls.filter(([, delay]) => delay !== 500)).toEqual([]);
    await tracer.shutdown();
  });

  it("awaitAllCallbacks returns by its timeout when a background handler never settles", async () => {
    const hung: CallbackHandler = { name: "Background", handleLLMEnd: never };
    await chat([hung]).handleLLMEnd({ generations: [] });
    await awaitAllCallbacks({ timeoutMs: 30 });
    expect(warnings.map((w) => w.code)).toEqual(["handler_timeout"]);
    expect(warnings[0]?.message).toMatch(/^awaitAllCallbacks: \d+ callback promise\(s\) still pending at the deadline/);
  });
});
