import { describe, expect, it } from "vitest";
import { CallbackManager, withCallbacks, type CallbackHandler } from "../../callbacks/index.js";
import { getCallbackContext } from "../../callbacks/context.js";
import { captureWarnings } from "../support/warnings-capture.js";

interface Seen {
  method: string;
  runId: string;
  parentRunId?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

function recorder(name: string, seen: Seen[]): CallbackHandler {
  return {
    name,
    handleChainStart: (_c, _i, runId, parentRunId, tags, metadata) =>
      void seen.push({ method: `${name}.chainStart`, runId, parentRunId, tags, metadata }),
    handleToolStart: (_t, _i, runId, parentRunId, tags, metadata) =>
      void seen.push({ method: `${name}.toolStart`, runId, parentRunId, tags, metadata }),
    handleChatModelStart: (_l, _m, runId, parentRunId, _e, tags, metadata) =>
      void seen.push({ method: `${name}.chatStart`, runId, parentRunId, tags, metadata }),
  };
}

const warnings = captureWarnings();

describe("CallbackManager", () => {
  it("passes inheritable handlers, tags and metadata to children, and local ones only to the run itself", () => {
    const seen: Seen[] = [];
    const manager = CallbackManager.configure({
      callbacks: [recorder("inherited", seen)],
      localCallbacks: [recorder("local", seen)],
      tags: ["keep"],
      localTags: ["here-only"],
      metadata: { user: "u1" },
      localMetadata: { step: 1 },
    });
    const chain = manager.handleChainStart({ name: "chain" }, { q: 1 });
    const child = chain.getChild("child-tag").handleToolStart({ name: "tool" }, "input");

    expect(seen.map((s) => s.method)).toEqual(["inherited.chainStart", "local.chainStart", "inherited.toolStart"]);
    expect(seen[0]).toMatchObject({ tags: ["keep", "here-only"], metadata: { user: "u1", step: 1 } });
    expect(seen[2]).toMatchObject({
      runId: child.runId,
      parentRunId: chain.runId,
      tags: ["keep", "child-tag"],
      metadata: { user: "u1" },
    });
    expect(seen[2]?.metadata).not.toHaveProperty("step");
  });

  it("includes ambient handlers from withCallbacks, nested scopes adding up, without duplicates", () => {
    const seen: Seen[] = [];
    const outer = recorder("outer", seen);
    const inner = recorder("inner", seen);
    withCallbacks([outer], () =>
      withCallbacks([inner], () => {
        CallbackManager.configure({ callbacks: [outer] }).handleChatModelStart({}, [[]]);
      }),
    );
    expect(seen.map((s) => s.method)).toEqual(["outer.chatStart", "inner.chatStart"]);
    expect(getCallbackContext().handlers).toEqual([]);
  });

  it("nests runs started inside runInContext under that run, also across await", async () => {
    const seen: Seen[] = [];
    const parent = CallbackManager.configure({
      callbacks: [recorder("h", seen)],
      tags: ["root"],
    }).handleChainStart({}, {});
    await parent.runInContext(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      CallbackManager.configure({ tags: ["call"] }).handleChatModelStart({}, [[]]);
    });
    expect(seen[1]).toMatchObject({ method: "h.chatStart", parentRunId: parent.runId, tags: ["root", "call"] });
  });

  it("lets handlers wrap a run's body, and survives a wrapper that throws before running it", () => {
    const order: string[] = [];
    const wrapping: CallbackHandler = {
      wrapRunExecution<T>(_runId: string, fn: () => T): T {
        order.push("before");
        const result = fn();
        order.push("after");
        return result;
      },
    };
    const broken: CallbackHandler = {
      name: "Broken",
      wrapRunExecution<T>(): T {
        throw new Error("wrapper failed");
      },
    };
    const run = CallbackManager.configure({ callbacks: [wrapping, broken] }).handleChainStart({}, {});
    expect(run.runInContext(() => (order.push("body"), 42))).toBe(42);
    expect(order).toEqual(["before", "body", "after"]);
    expect(warnings.map((w) => w.message)).toEqual([
      "Error in callback handler Broken, wrapRunExecution: wrapper failed",
    ]);
  });

  it("does not swallow the body's own error when wrapped", () => {
    const passthrough: CallbackHandler = { wrapRunExecution: <T>(_id: string, fn: () => T) => fn() };
    const run = CallbackManager.configure({ callbacks: [passthrough] }).handleChainStart({}, {});
    expect(() =>
      run.runInContext(() => {
        throw new Error("user error");
      }),
    ).toThrow("user error");
    expect(warnings).toEqual([]);
  });

  it("continues from a manager given as callbacks (LangChain-style config.callbacks)", () => {
    const seen: Seen[] = [];
    const parent = CallbackManager.configure({ callbacks: [recorder("h", seen)] }).handleChainStart({}, {});
    const childManager = CallbackManager.configure({ callbacks: parent.getChild() });
    childManager.handleToolStart({}, "x");
    expect(seen[1]).toMatchObject({ method: "h.toolStart", parentRunId: parent.runId });
  });

  it("keeps local handlers out of runs nested in runInContext", () => {
    const seen: Seen[] = [];
    const parent = CallbackManager.configure({ localCallbacks: [recorder("local", seen)] }).handleChainStart({}, {});
    parent.runInContext(() => CallbackManager.configure().handleToolStart({}, "x"));
    expect(seen.map((s) => s.method)).toEqual(["local.chainStart"]);
  });

  it("generates uuid v7 run ids", () => {
    const run = CallbackManager.configure().handleChatModelStart({}, [[]]);
    expect(run.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
