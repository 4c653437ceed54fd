import { describe, expect, it } from "vitest";
import {
  CallbackManager,
  UsageMetadataCallbackHandler,
  withUsageMetadata,
  type CallbackHandler,
} from "../../callbacks/index.js";
import type { LLMResult, UsageMetadata } from "../../schemas/index.js";
import { captureWarnings } from "../support/warnings-capture.js";

const warnings = captureWarnings();

function chatResult(usage: unknown, responseMetadata: Record<string, unknown> = {}): LLMResult {
  return {
    generations: [
      [
        {
          text: "hello",
          message: { content: "hello", usage_metadata: usage as UsageMetadata, response_metadata: responseMetadata },
        },
      ],
    ],
  };
}

/** Simulates one chat-model call the way a model integration reports it. */
function chatCall(
  result: LLMResult,
  options: { callbacks?: CallbackHandler[]; model?: string; lsModelName?: string; chunks?: unknown[] } = {},
): void {
  const manager = CallbackManager.configure({
    callbacks: options.callbacks,
    metadata: options.lsModelName === undefined ? {} : { ls_model_name: options.lsModelName },
  });
  const run = manager.handleChatModelStart({ id: ["FakeChat"] }, [[]], undefined, undefined, {
    invocation_params: options.model === undefined ? {} : { model: options.model },
  });
  for (const chunk of options.chunks ?? [])
    void run.handleLLMNewToken("t", undefined, undefined, undefined, undefined, { chunk });
  void run.handleLLMEnd(result);
}

async function later(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1));
}

const gptUsage = {
  input_tokens: 8,
  output_tokens: 10,
  total_tokens: 18,
  input_token_details: { audio: 0, cache_read: 0 },
  output_token_details: { audio: 0, reasoning: 0 },
};
const claudeUsage = {
  input_tokens: 8,
  output_tokens: 21,
  total_tokens: 29,
  input_token_details: { cache_read: 0, cache_creation: 0 },
};

describe("UsageMetadataCallbackHandler", () => {
  it("reproduces the seed's per-model dictionary for two models", () => {
    const callback = new UsageMetadataCallbackHandler();
    chatCall(chatResult(gptUsage, { model_name: "gpt-4o-mini-2024-07-18" }), {
      callbacks: [callback],
      model: "gpt-4o-mini",
    });
    chatCall(chatResult(claudeUsage, { model_name: "claude-haiku-4-5-20251001" }), {
      callbacks: [callback],
      model: "claude-haiku-4-5-20251001",
    });
    expect(callback.usageMetadata).toEqual({
      "gpt-4o-mini-2024-07-18": {
        input_tokens: 8,
        output_tokens: 10,
        total_tokens: 18,
        input_token_details: { audio: 0, cache_read: 0 },
        output_token_details: { audio: 0, reasoning: 0 },
      },
      "claude-haiku-4-5-20251001": {
        input_tokens: 8,
        output_tokens: 21,
        total_tokens: 29,
        input_token_details: { cache_read: 0, cache_creation: 0 },
      },
    });
  });

  it("keys usage by response model, then ls_model_name, then the requested model, then 'unknown'", () => {
    const callback = new UsageMetadataCallbackHandler();
    const usage = { input_tokens: 1, output_tokens: 1, total_tokens: 2 };
    chatCall(chatResult(usage, { model_name: "served-model" }), {
      callbacks: [callback],
      lsModelName: "ls-model",
      model: "asked",
    });
    chatCall(chatResult(usage), { callbacks: [callback], lsModelName: "ls-model", model: "asked" });
    chatCall(chatResult(usage), { callbacks: [callback], model: "asked" });
    chatCall(chatResult(usage), { callbacks: [callback] });
    expect(Object.keys(callback.usageMetadata)).toEqual(["served-model", "ls-model", "asked", "unknown"]);
  });

  it("sums every generation of every prompt, each under its own model", () => {
    const callback = new UsageMetadataCallbackHandler();
    const one = { input_tokens: 1, output_tokens: 2, total_tokens: 3 };
    const gen = (model: string) => ({
      text: "",
      message: { content: "", usage_metadata: one, response_metadata: { model_name: model } },
    });
    chatCall({ generations: [[gen("a"), gen("a")], [gen("b")]] }, { callbacks: [callback] });
    expect(callback.usageMetadata).toEqual({
      a: { input_tokens: 2, output_tokens: 4, total_tokens: 6 },
      b: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
    });
  });

  it("falls back to llmOutput.tokenUsage and llmOutput.token_usage", () => {
    const callback = new UsageMetadataCallbackHandler();
    chatCall(
      {
        generations: [[{ text: "x" }]],
        llmOutput: { tokenUsage: { promptTokens: 4, completionTokens: 3, totalTokens: 7 } },
      },
      {
        callbacks: [callback],
        model: "legacy-js",
      },
    );
    chatCall(
      {
        generations: [[{ text: "x" }]],
        llmOutput: {
          token_usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
          model_name: "legacy-py",
        },
      },
      { callbacks: [callback] },
    );
    expect(callback.usageMetadata).toEqual({
      "legacy-js": { input_tokens: 4, output_tokens: 3, total_tokens: 7 },
      "legacy-py": { input_tokens: 5, output_tokens: 1, total_tokens: 6 },
    });
  });

  it("counts a run once when its usage also came on streamed chunks, and uses the chunks when the end has none", () => {
    const callback = new UsageMetadataCallbackHandler();
    const usage = { input_tokens: 10, output_tokens: 3, total_tokens: 13 };
    const usageChunk = {
      text: "",
      message: { content: "", usage_metadata: usage, response_metadata: { model_name: "m" } },
    };
    chatCall(chatResult(usage, { model_name: "m" }), { callbacks: [callback], chunks: [{ text: "a" }, usageChunk] });
    expect(callback.usageMetadata.m).toEqual(usage);
    chatCall({ generations: [[{ text: "abc" }]] }, { callbacks: [callback], chunks: [{ text: "a" }, usageChunk] });
    expect(callback.usageMetadata.m).toEqual({ input_tokens: 20, output_tokens: 6, total_tokens: 26 });
  });

  it("counts usage streamed before an error, and forgets the run either way", () => {
    const callback = new UsageMetadataCallbackHandler();
    const run = CallbackManager.configure({ callbacks: [callback] }).handleChatModelStart(
      {},
      [[]],
      undefined,
      undefined,
      {
        invocation_params: { model: "m" },
      },
    );
    void run.handleLLMNewToken("", undefined, undefined, undefined, undefined, {
      chunk: { message: { usage_metadata: { input_tokens: 9, output_tokens: 0, total_tokens: 9 } } },
    });
    void run.handleLLMError(new Error("stream broke"));
    // The chunk was a new-token event: withBudget counts it as one output token, and so does the total.
    expect(callback.usageMetadata).toEqual({ m: { input_tokens: 9, output_tokens: 1, total_tokens: 10 } });
    void run.handleLLMEnd(chatResult({ input_tokens: 1, output_tokens: 1, total_tokens: 2 }));
    expect(callback.usageMetadata.m?.input_tokens).toBe(9);
  });

  it("drops invalid counts with a warning and keeps the rest", () => {
    const callback = new UsageMetadataCallbackHandler();
    chatCall(
      chatResult(
        { input_tokens: 5, output_tokens: 2, total_tokens: 7, input_token_details: { cache_read: -1, audio: 2 } },
        { model_name: "m" },
      ),
      {
        callbacks: [callback],
      },
    );
    chatCall(chatResult({ input_tokens: Number.NaN, output_tokens: 2, total_tokens: 7 }, { model_name: "m" }), {
      callbacks: [callback],
    });
    expect(callback.usageMetadata).toEqual({
      m: { input_tokens: 5, output_tokens: 2, total_tokens: 7, input_token_details: { audio: 2 } },
    });
    expect(warnings.map((w) => w.code)).toEqual(["invalid_usage", "invalid_usage"]);
    expect(warnings[0]?.message).toContain("input_token_details.cache_read: -1");
  });

  it("prices usage with an estimator without changing usageMetadata's shape", () => {
    const callback = new UsageMetadataCallbackHandler({
      estimateCost: (model, usage) =>
        model === "priced"
          ? {
              input_cost: usage.input_tokens,
              output_cost: 0,
              total_cost: usage.input_tokens,
              input_cost_details: {},
              output_cost_details: {},
            }
          : undefined,
    });
    chatCall(chatResult({ input_tokens: 3, output_tokens: 1, total_tokens: 4 }, { model_name: "priced" }), {
      callbacks: [callback],
    });
    chatCall(chatResult({ input_tokens: 3, output_tokens: 1, total_tokens: 4 }, { model_name: "free" }), {
      callbacks: [callback],
    });
    expect(callback.costs).toEqual({
      priced: { input_cost: 3, output_cost: 0, total_cost: 3, input_cost_details: {}, output_cost_details: {} },
    });
    expect(callback.unpricedModels).toEqual(["free"]);
    expect(Object.keys(callback.usageMetadata.priced ?? {})).toEqual(["input_tokens", "output_tokens", "total_tokens"]);
  });
});

describe("withUsageMetadata", () => {
  const usage = { input_tokens: 2, output_tokens: 1, total_tokens: 3 };

  it("returns fn's result and the usage of every call inside, without passing callbacks", async () => {
    const { result, usage: seen } = await withUsageMetadata(async () => {
      chatCall(chatResult(usage, { model_name: "a" }));
      await later();
      chatCall(chatResult(usage, { model_name: "b" }));
      return "done";
    });
    expect(result).toBe("done");
    expect(seen).toEqual({ a: usage, b: usage });
  });

  it("rolls inner scopes up into every enclosing scope", async () => {
    const outer = await withUsageMetadata(async () => {
      chatCall(chatResult(usage, { model_name: "m" }));
      const inner = await withUsageMetadata(async () => {
        await later();
        chatCall(chatResult(usage, { model_name: "m" }));
      });
      expect(inner.usage).toEqual({ m: usage });
    });
    expect(outer.usage).toEqual({ m: { input_tokens: 4, output_tokens: 2, total_tokens: 6 } });
  });

  it("keeps concurrent scopes apart", async () => {
    const scopes = await Promise.all(
      [1, 2, 3, 4, 5].map((calls) =>
        withUsageMetadata(async () => {
          for (let i = 0; i < calls; i++) {
            await later();
            chatCall(chatResult(usage, { model_name: "m" }));
          }
          return calls;
        }),
      ),
    );
    for (const { result, usage: seen } of scopes) {
      expect(seen.m).toEqual({ input_tokens: 2 * result, output_tokens: result, total_tokens: 3 * result });
    }
  });

  it("propagates fn's error and leaves the usage so far readable on the handler", async () => {
    let handler: UsageMetadataCallbackHandler | undefined;
    await expect(
      withUsageMetadata(async (h) => {
        handler = h;
        chatCall(chatResult(usage, { model_name: "m" }));
        throw new Error("agent failed");
      }),
    ).rejects.toThrow("agent failed");
    expect(handler?.usageMetadata).toEqual({ m: usage });
  });
});

describe("UsageMetadataCallbackHandler on failed runs", () => {
  it("counts the usage of a failed run's partial result (extraParams.response), once", () => {
    const callback = new UsageMetadataCallbackHandler();
    const run = CallbackManager.configure({ callbacks: [callback, callback] }).handleChatModelStart(
      {},
      [[]],
      undefined,
      undefined,
      {
        invocation_params: { model: "claude-haiku-4-5" },
      },
    );
    const partial = chatResult(
      { input_tokens: 1200, output_tokens: 7, total_tokens: 1207, input_token_details: { cache_read: 1000 } },
      {
        model_name: "claude-haiku-4-5-20251001",
      },
    );
    void run.handleLLMError(new Error("stream broke"), undefined, undefined, undefined, { response: partial });
    expect(callback.usageMetadata).toEqual({
      "claude-haiku-4-5-20251001": {
        input_tokens: 1200,
        output_tokens: 7,
        total_tokens: 1207,
        input_token_details: { cache_read: 1000 },
      },
    });
  });

  it("counts nothing for a failure without a response", () => {
    const callback = new UsageMetadataCallbackHandler();
    void CallbackManager.configure({ callbacks: [callback] })
      .handleChatModelStart({}, [[]])
      .handleLLMError(new Error("HTTP 500"));
    expect(callback.usageMetadata).toEqual({});
  });
});

describe("reading one end event's usage", () => {
  it("parses a result once for all handlers: one warning for invalid usage, not one per handler", () => {
    const first = new UsageMetadataCallbackHandler();
    const second = new UsageMetadataCallbackHandler();
    chatCall(
      chatResult(
        { input_tokens: 5, output_tokens: 2, total_tokens: 7, input_token_details: { cache_read: -1 } },
        { model_name: "m" },
      ),
      {
        callbacks: [first, second],
      },
    );
    expect(first.usageMetadata).toEqual({
      m: { input_tokens: 5, output_tokens: 2, total_tokens: 7, input_token_details: {} },
    });
    expect(second.usageMetadata).toEqual(first.usageMetadata);
    expect(warnings.map((w) => w.code)).toEqual(["invalid_usage"]);
  });
});
