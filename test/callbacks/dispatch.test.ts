import { describe, expect, it, vi } from "vitest";
import {
  awaitAllCallbacks,
  BaseCallbackHandler,
  CallbackManager,
  type CallbackHandler,
  type NewTokenIndices,
} from "../../callbacks/index.js";
import { captureWarnings } from "../support/warnings-capture.js";

const llm = { id: ["test", "FakeChat"] };
const warnings = captureWarnings();

function startChat(handlers: CallbackHandler[]) {
  return CallbackManager.configure({ callbacks: handlers }).handleChatModelStart(llm, [
    [{ role: "user", content: "hi" }],
  ]);
}

describe("dispatch", () => {
  it("calls synchronous handlers synchronously, in order, and returns no promise", () => {
    const calls: string[] = [];
    const run = startChat([
      { handleLLMNewToken: (token: string) => void calls.push(`a:${token}`) },
      { handleLLMNewToken: (token: string) => void calls.push(`b:${token}`) },
    ]);
    const returned = run.handleLLMNewToken("x");
    expect(returned).toBeUndefined();
    expect(calls).toEqual(["a:x", "b:x"]);
  });

  it("passes LangChain's positional arguments", () => {
    const seen: unknown[][] = [];
    const handler: CallbackHandler = {
      handleLLMNewToken: (...args: unknown[]) => void seen.push(args),
    };
    const manager = CallbackManager.configure({ callbacks: [handler], tags: ["t"] });
    const run = manager.handleChatModelStart(llm, [[]], "0190f0e4-1c2d-7e3f-8a4b-5c6d7e8f9a0b");
    const chunk = { text: "x" };
    void run.handleLLMNewToken("x", { prompt: 0, completion: 1 }, undefined, undefined, undefined, { chunk });
    const [token, idx, runId, parentRunId, tags, fields] = seen[0] ?? [];
    expect(token).toBe("x");
    expect(idx as NewTokenIndices).toEqual({ prompt: 0, completion: 1 });
    expect(runId).toBe("0190f0e4-1c2d-7e3f-8a4b-5c6d7e8f9a0b");
    expect(parentRunId).toBeUndefined();
    expect(tags).toEqual(["t"]);
    expect(fields).toEqual({ chunk });
  });

  it("accepts class instances with prototype methods and honours ignore flags", () => {
    class Counter extends BaseCallbackHandler {
      name = "Counter";
      tokens = 0;
      handleLLMNewToken(): void {
        this.tokens++;
      }
    }
    const counting = new Counter();
    const ignoring = new Counter();
    ignoring.ignoreLLM = true;
    const run = startChat([counting, ignoring]);
    void run.handleLLMNewToken("a");
    void run.handleLLMNewToken("b");
    expect(counting.tokens).toBe(2);
    expect(ignoring.tokens).toBe(0);
  });

  it("awaits a handler's promise only when it sets awaitHandlers", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const done: string[] = [];
    const awaited: CallbackHandler = {
      awaitHandlers: true,
      handleLLMEnd: async () => {
        await gate;
        done.push("awaited");
      },
    };
    const background: CallbackHandler = {
      handleLLMEnd: async () => {
        await gate;
        done.push("background");
      },
    };
    const run = startChat([awaited, background]);
    const returned = run.handleLLMEnd({ generations: [] });
    expect(returned).toBeInstanceOf(Promise);
    release();
    await returned;
    expect(done).toContain("awaited");
    await awaitAllCallbacks();
    expect(done).toEqual(["awaited", "background"]);
  });

  it("awaits token handlers that ask for it (one or several) and reports a rejected token", async () => {
    const seen: string[] = [];
    const slow = (name: string): CallbackHandler => ({
      name,
      awaitHandlers: true,
      handleLLMNewToken: async (token: string) => {
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(`${name}:${token}`);
      },
    });
    const failing: CallbackHandler = {
      name: "TokenRejecter",
      handleLLMNewToken: () => Promise.reject(new Error("bad token")),
    };
    const one = startChat([slow("a")]).handleLLMNewToken("x");
    expect(one).toBeInstanceOf(Promise);
    await one;
    expect(seen).toEqual(["a:x"]);
    const both = startChat([slow("b"), failing, slow("c")]).handleLLMNewToken("y");
    expect(both).toBeInstanceOf(Promise);
    await both;
    expect(seen).toEqual(["a:x", "b:y", "c:y"]);
    await awaitAllCallbacks();
    expect(warnings.map((w) => w.message)).toEqual([
      "Error in callback handler TokenRejecter, handleLLMNewToken: bad token",
    ]);
  });

  it("turns a throwing or rejecting handler into one warning per handler and event kind", async () => {
    const throwing: CallbackHandler = {
      name: "Thrower",
      handleLLMNewToken: () => {
        throw new Error("boom");
      },
    };
    const rejecting: CallbackHandler = {
      name: "Rejecter",
      awaitHandlers: true,
      handleLLMEnd: () => Promise.reject(new Error("late boom")),
    };
    const after = vi.fn();
    const run = startChat([throwing, rejecting, { handleLLMNewToken: after }]);
    void run.handleLLMNewToken("a");
    void run.handleLLMNewToken("b");
    await run.handleLLMEnd({ generations: [] });
    expect(after).toHaveBeenCalledTimes(2);
    expect(warnings.map((w) => w.message)).toEqual([
      "Error in callback handler Thrower, handleLLMNewToken: boom",
      "Error in callback handler Rejecter, handleLLMEnd: late boom",
    ]);
    expect(warnings.every((w) => w.code === "handler_error")).toBe(true);
  });

  it("propagates errors of raiseError handlers: thrown synchronously, rejected when awaited", async () => {
    const sync: CallbackHandler = {
      raiseError: true,
      handleLLMNewToken: () => {
        throw new Error("sync");
      },
    };
    expect(() => startChat([sync]).handleLLMNewToken("x")).toThrow("sync");
    const awaited: CallbackHandler = {
      raiseError: true,
      awaitHandlers: true,
      handleLLMEnd: async () => Promise.reject(new Error("async")),
    };
    await expect(startChat([awaited]).handleLLMEnd({ generations: [] })).rejects.toThrow("async");
    expect(warnings).toEqual([]);
  });

  it("awaits a raiseError handler without awaitHandlers (as LangChain.js does): its rejection reaches the caller", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const handler: CallbackHandler = {
        name: "Loose",
        raiseError: true,
        handleLLMEnd: async () => Promise.reject(new Error("nobody awaits")),
      };
      await expect(startChat([handler]).handleLLMEnd({ generations: [] })).rejects.toThrow("nobody awaits");
      await awaitAllCallbacks();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
      expect(warnings).toEqual([]);
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("exposes the start event's awaited promise as `started`", async () => {
    let started = false;
    const handler: CallbackHandler = {
      awaitHandlers: true,
      handleChatModelStart: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        started = true;
      },
    };
    const run = startChat([handler]);
    expect(started).toBe(false);
    await run.started;
    expect(started).toBe(true);
    expect(startChat([{ handleChatModelStart: () => undefined }]).started).toBeUndefined();
  });
});
