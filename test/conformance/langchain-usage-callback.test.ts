// Cases ported from LangChain (Python) libs/core/tests/unit_tests/callbacks/test_usage_callback.py and
// test_usage.py: get_usage_metadata_callback() is runledger's withUsageMetadata(), a config callback
// is `callbacks: [handler]`, the model a real LangChain.js chat model (UsageListChatModel). Same usage
// records, same expected totals per model.
import type { CallbackManager as LangChainCallbackManager } from "@langchain/core/callbacks/manager";
import { RunnableLambda } from "@langchain/core/runnables";
import { describe, expect, it } from "vitest";
import { UsageMetadataCallbackHandler, withCallbacks, withUsageMetadata } from "../../callbacks/index.js";
import { addUsage, type UsageMetadata } from "../../schemas/index.js";
import { UsageListChatModel } from "./usage-list-chat-model.js";

const usage1: UsageMetadata = { input_tokens: 1, output_tokens: 2, total_tokens: 3 };
const usage2: UsageMetadata = { input_tokens: 4, output_tokens: 5, total_tokens: 9 };
const usage3: UsageMetadata = {
  input_tokens: 10,
  output_tokens: 20,
  total_tokens: 30,
  input_token_details: { audio: 5 },
  output_token_details: { reasoning: 10 },
};
const usage4: UsageMetadata = {
  input_tokens: 5,
  output_tokens: 10,
  total_tokens: 15,
  input_token_details: { audio: 3 },
  output_token_details: { reasoning: 5 },
};
const usages = [usage1, usage2, usage3, usage4];
const total12 = addUsage(usage1, usage2);
const total34 = addUsage(usage3, usage4);

describe("langchain libs/core/tests/unit_tests/callbacks/test_usage_callback.py", () => {
  it("test_usage_callback: the context manager sums usage per model as calls are made", async () => {
    const llm = new UsageListChatModel(usages, "test_model");
    await withUsageMetadata(async (cb) => {
      await llm.invoke("Message 1");
      await llm.invoke("Message 2");
      expect(cb.usageMetadata).toEqual({ test_model: total12 });
      await llm.invoke("Message 3");
      await llm.invoke("Message 4");
      expect(cb.usageMetadata).toEqual({ test_model: addUsage(total12, total34) });
    });
  });

  it("test_usage_callback: via config (batch with callbacks: [callback])", async () => {
    const llm = new UsageListChatModel(usages.slice(0, 2), "test_model");
    const callback = new UsageMetadataCallbackHandler();
    await llm.batch(["Message 1", "Message 2"], { callbacks: [callback] });
    expect(callback.usageMetadata).toEqual({ test_model: total12 });
  });

  it("test_usage_callback: multiple models keep separate totals", async () => {
    const llm1 = new UsageListChatModel(usages.slice(0, 2), "test_model_1");
    const llm2 = new UsageListChatModel(usages.slice(2, 4), "test_model_2");
    const callback = new UsageMetadataCallbackHandler();
    await llm1.batch(["Message 1", "Message 2"], { callbacks: [callback] });
    await llm2.batch(["Message 3", "Message 4"], { callbacks: [callback] });
    expect(callback.usageMetadata).toEqual({ test_model_1: total12, test_model_2: total34 });
  });

  it("test_usage_callback_async: the same totals with concurrent calls", async () => {
    const llm = new UsageListChatModel(usages, "test_model");
    const { usage } = await withUsageMetadata(async () => {
      await Promise.all([llm.invoke("Message 1"), llm.invoke("Message 2")]);
      await Promise.all([llm.invoke("Message 3"), llm.invoke("Message 4")]);
    });
    expect(usage).toEqual({ test_model: addUsage(total12, total34) });
  });

  it("test_usage_callback_async: via config (abatch)", async () => {
    const llm = new UsageListChatModel(usages.slice(0, 2), "test_model");
    const callback = new UsageMetadataCallbackHandler();
    await Promise.all([
      llm.invoke("Message 1", { callbacks: [callback] }),
      llm.invoke("Message 2", { callbacks: [callback] }),
    ]);
    expect(callback.usageMetadata).toEqual({ test_model: total12 });
  });

  it("test_no_configure_hooks_memory_leak: ten scopes in a row, each LangChain.js call sees one bridge", async () => {
    const llm = new UsageListChatModel(usages, "test_model");
    for (let i = 0; i < 10; i++) {
      const { usage } = await withUsageMetadata(() => llm.invoke("Message"));
      expect(Object.keys(usage)).toEqual(["test_model"]);
    }
    const counts = await withUsageMetadata(() => bridgesSeenByLangChain());
    expect(counts.result).toBe(1);
  });
});

/** How many runledger bridge handlers a LangChain.js runnable started here is given. */
async function bridgesSeenByLangChain(): Promise<number> {
  let seen = -1;
  await RunnableLambda.from((_: unknown, config?: { callbacks?: unknown }) => {
    const manager = config?.callbacks as LangChainCallbackManager | undefined;
    seen = (manager?.handlers ?? []).filter((h) => h.name.startsWith("runledger_scope_")).length;
    return null;
  }).invoke(null);
  return seen;
}

describe("langchain libs/core/tests/unit_tests/callbacks/test_usage.py", () => {
  it("test_repeated_default_usage_callback_registers_only_one_hook: nested scopes, one bridge per call", async () => {
    const seen = await withUsageMetadata(() =>
      withUsageMetadata(() => withUsageMetadata(() => bridgesSeenByLangChain())),
    );
    expect(seen.result.result.result).toBe(1);
  });

  it("test_nested_same_name_restores_outer_callback_after_inner_exit", async () => {
    const llm = new UsageListChatModel([usage1], "m");
    const outer = await withUsageMetadata(async (outerHandler) => {
      const inner = await withUsageMetadata(() => llm.invoke("in both"));
      expect(inner.usage).toEqual({ m: usage1 });
      await llm.invoke("outer only");
      return outerHandler;
    });
    expect(outer.usage).toEqual({ m: addUsage(usage1, usage1) });
  });

  it("test_nested_distinct_names_keep_callback_contexts_isolated: concurrent scopes never mix", async () => {
    const a = new UsageListChatModel([usage1], "a");
    const b = new UsageListChatModel([usage2], "b");
    const [left, right] = await Promise.all([
      withUsageMetadata(() => a.invoke("left")),
      withUsageMetadata(() => b.invoke("right")),
    ]);
    expect(left.usage).toEqual({ a: usage1 });
    expect(right.usage).toEqual({ b: usage2 });
  });

  it("test_callback_var_is_reset_when_context_exits_with_exception: usage so far stays readable", async () => {
    const llm = new UsageListChatModel([usage1], "m");
    let kept: UsageMetadataCallbackHandler | undefined;
    await expect(
      withUsageMetadata(async (cb) => {
        kept = cb;
        await llm.invoke("counted");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await llm.invoke("after the scope: not counted");
    expect(kept?.usageMetadata).toEqual({ m: usage1 });
  });

  it("test_same_name_reuses_registered_context_var_but_not_handler_instance", async () => {
    const handlers: UsageMetadataCallbackHandler[] = [];
    await withUsageMetadata((cb) => handlers.push(cb));
    await withUsageMetadata((cb) => handlers.push(cb));
    expect(handlers[0]).not.toBe(handlers[1]);
  });

  it("test_nested_same_name_can_reenter_multiple_times: three levels each count the innermost call", async () => {
    const llm = new UsageListChatModel([usage2], "m");
    const outer = await withUsageMetadata(() =>
      withUsageMetadata(() => withUsageMetadata(() => llm.invoke("deep")).then((r) => r.usage)),
    );
    expect(outer.usage).toEqual({ m: usage2 });
    expect(outer.result.usage).toEqual({ m: usage2 });
    expect(outer.result.result).toEqual({ m: usage2 });
  });

  it("test_distinct_named_callbacks_do_not_share_usage_state", async () => {
    await withUsageMetadata(async (left) => {
      left.usageMetadata["left-model"] = usage1;
      await withUsageMetadata((right) => {
        right.usageMetadata["right-model"] = usage2;
        expect(right.usageMetadata).not.toHaveProperty("left-model");
      });
      expect(left.usageMetadata).not.toHaveProperty("right-model");
      expect(left.usageMetadata["left-model"]?.total_tokens).toBe(3);
    });
  });

  it("a scope opened with withCallbacks reaches LangChain.js the same way (no withUsageMetadata needed)", async () => {
    const handler = new UsageMetadataCallbackHandler();
    const llm = new UsageListChatModel([usage3], "m");
    await withCallbacks([handler], () => llm.invoke("hi"));
    expect(handler.usageMetadata).toEqual({ m: usage3 });
  });
});
