// Cases from the trial recorded in runledger's issue 14 (a new user's session, checked against
// LangChain.js and langsmith behaviour): each one a place where runledger behaved differently from
// the peers where users notice, now held to the peers' rule.
import { DynamicTool } from "@langchain/core/tools";
import { describe, expect, it, vi } from "vitest";
import { CallbackManager, withCallbacks, withUsageMetadata, type CallbackHandler } from "../../callbacks/index.js";
// The main entry: it sets the built-in price table as the default cost estimator.
import { getCurrentRun, traceable } from "../../src/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { UsageChatModel } from "../support/usage-chat-model.js";
import { memoryTracer, named } from "../support/tracing-helpers.js";

const warnings = captureWarnings();
const usage = { input_tokens: 8, output_tokens: 10, total_tokens: 18 };
const model = new UsageChatModel({ text: "Hello there friend", usage, model: "gpt-4o-mini-2024-07-18" });
const search = new DynamicTool({
  name: "search",
  description: "finds things",
  func: async (q: string) => `found ${q}`,
});

/** Fails the test if an unhandled rejection happens while `fn` runs (and a turn after). */
async function noUnhandledRejection(fn: () => Promise<void>): Promise<void> {
  const unhandled = vi.fn();
  process.on("unhandledRejection", unhandled);
  try {
    await fn();
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).not.toHaveBeenCalled();
  } finally {
    process.off("unhandledRejection", unhandled);
  }
}

describe("runledger issue 14 trial: LangChain.js tools are traced (ignoreAgent)", () => {
  it("a LangChain.js tool called inside withCallbacks is recorded", async () => {
    const { tracer, runs } = memoryTracer();
    expect(await withCallbacks([tracer], () => search.invoke("cats"))).toBe("found cats");
    expect(await runs()).toMatchObject([{ name: "search", run_type: "tool", outputs: { output: "found cats" } }]);
  });

  it("a LangChain.js tool called inside a traced function is its child", async () => {
    const { tracer, runs } = memoryTracer();
    const agent = traceable(async (q: string) => search.invoke(q), { name: "agent", tracer });
    await agent("dogs");
    const all = await runs();
    expect(named(all, "search").parent_run_id).toBe(named(all, "agent").id);
  });

  it("a handler with ignoreAgent still skips the tool events given to it through the bridge", async () => {
    const seen: string[] = [];
    const handler: CallbackHandler = { ignoreAgent: true, handleToolStart: () => void seen.push("tool") };
    await withCallbacks([handler], () => search.invoke("x"));
    expect(seen).toEqual([]);
  });
});

describe("runledger issue 14 trial: the LangChain.js bridge has no start-up window", () => {
  it("withUsageMetadata from runledger/callbacks counts a LangChain.js call made at once", async () => {
    const { usage: seen } = await withUsageMetadata(() => model.invoke("Hello"));
    expect(seen["gpt-4o-mini-2024-07-18"]).toMatchObject(usage);
  });

  it("200 LangChain.js calls in a loop that never yields to I/O are all counted", async () => {
    const { usage: seen } = await withUsageMetadata(async () => {
      for (let i = 0; i < 200; i++) await model.invoke("Hello");
    });
    expect(seen["gpt-4o-mini-2024-07-18"]?.total_tokens).toBe(200 * 18);
  });
});

describe("runledger issue 14 trial: raiseError reaches the caller, through traceable too", () => {
  it("an async start handler that rejects: the traced call rejects with its error, the body never runs", async () => {
    await noUnhandledRejection(async () => {
      const body = vi.fn(async () => "ran");
      const strict: CallbackHandler = {
        raiseError: true,
        handleChainStart: async () => Promise.reject(new Error("denied")),
      };
      await expect(withCallbacks([strict], () => traceable(body, { name: "guarded" })())).rejects.toThrow("denied");
      expect(body).not.toHaveBeenCalled();
    });
  });

  it("an async end handler that rejects: the traced call rejects with its error", async () => {
    await noUnhandledRejection(async () => {
      const strict: CallbackHandler = {
        raiseError: true,
        handleChainEnd: async () => Promise.reject(new Error("audit failed")),
      };
      await expect(withCallbacks([strict], () => traceable(async () => 1, { name: "f" })())).rejects.toThrow(
        "audit failed",
      );
    });
  });

  it("a synchronous start handler that throws: a sync traced call throws, an async one rejects", async () => {
    const strict: CallbackHandler = {
      raiseError: true,
      handleChainStart: () => {
        throw new Error("no");
      },
    };
    expect(() => withCallbacks([strict], () => traceable(() => 1, { name: "s" })())).toThrow("no");
    await expect(withCallbacks([strict], () => traceable(async () => 1, { name: "a" })())).rejects.toThrow("no");
  });

  it("a handler without raiseError that rejects never breaks the call", async () => {
    const loose: CallbackHandler = {
      awaitHandlers: true,
      handleChainStart: async () => Promise.reject(new Error("x")),
    };
    expect(await withCallbacks([loose], () => traceable(async () => 7, { name: "f" })())).toBe(7);
    expect(warnings.map((w) => w.code)).toEqual(["handler_error"]);
  });
});

describe("runledger issue 14 trial: handlers run outside the run they handle", () => {
  it("a traced call made in a handler is a new root, not a child, and does not recurse", async () => {
    const { tracer, runs } = memoryTracer();
    // No ambient handler reaches a handler's own calls (LangChain.js: no inherited callbacks): it names its tracer.
    const audit = traceable(() => "logged", { name: "audit", tracer });
    let inHandler: unknown = "unset";
    const auditor: CallbackHandler = {
      handleChainEnd: (_outputs, runId) => {
        inHandler = getCurrentRun();
        if (runId !== undefined && auditing === 0) {
          auditing++;
          audit();
        }
      },
    };
    let auditing = 0;
    await withCallbacks([tracer, auditor], () => traceable(async () => "done", { name: "work" })());
    const all = await runs();
    expect(inHandler).toBeUndefined();
    expect(named(all, "audit").parent_run_id ?? undefined).toBeUndefined();
    expect(named(all, "work").parent_run_id ?? undefined).toBeUndefined();
  });

  it("getCurrentRun() is undefined in a token handler too", () => {
    let current: unknown = "unset";
    const handler: CallbackHandler = { handleLLMNewToken: () => void (current = getCurrentRun()) };
    traceable(() => {
      void CallbackManager.configure({ callbacks: [handler] })
        .handleChatModelStart({}, [[]])
        .handleLLMNewToken("t");
    })();
    expect(current).toBeUndefined();
  });
});

describe("runledger issue 14 trial: bad handlers are ignored with a warning", () => {
  it("withCallbacks([undefined, null, handler]) runs, warns twice and keeps the valid handler", async () => {
    const { tracer, runs } = memoryTracer();
    const list = [undefined, null, tracer] as unknown as CallbackHandler[];
    expect(await withCallbacks(list, () => traceable(async () => 1, { name: "f" })())).toBe(1);
    expect(await runs()).toHaveLength(1);
    expect(warnings.map((w) => w.code)).toEqual(["invalid_handler", "invalid_handler"]);
  });

  it("CallbackManager.configure with a null handler", () => {
    const manager = CallbackManager.configure({ callbacks: [null as unknown as CallbackHandler] });
    expect(manager.handlers).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(["invalid_handler"]);
  });
});

describe("runledger issue 14 trial: a traced function's result carrying usage_metadata (langsmith's rule)", () => {
  it.each(["llm", "chain"] as const)(
    "runType %s: tokens, cost and extra.metadata.usage_metadata on the run",
    async (runType) => {
      const { tracer, runs } = memoryTracer();
      const call = traceable(
        async () => ({
          content: "hi",
          usage_metadata: usage,
          response_metadata: { model_name: "gpt-4o-mini-2024-07-18" },
        }),
        { name: "my-model", runType, tracer },
      );
      await call();
      const [run] = await runs();
      expect(run).toMatchObject({ run_type: runType, prompt_tokens: 8, completion_tokens: 10, total_tokens: 18 });
      expect(run?.outputs?.usage_metadata).toMatchObject(usage);
      expect(run?.extra?.metadata?.usage_metadata).toMatchObject(usage);
      expect(run?.total_cost).toBeGreaterThan(0);
    },
  );
});
