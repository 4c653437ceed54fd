import { mergeWrapOptions, type WrapClientOptions } from "../providers/wrap/wrap-options.js";
import type { AISDKCallOptions, AISDKLanguageModel } from "./language-model.js";
import { generateAsRun, streamAsRun, withBudgetSignal } from "./model-call.js";

/** Options of `runledgerMiddleware` and `wrapAISDKModel`. */
export type RunledgerMiddlewareOptions = WrapClientOptions;

/**
 * A language-model middleware for the AI SDK (`LanguageModelV3Middleware`; AI SDK 7's
 * `wrapLanguageModel` takes it too, and its methods are those of `LanguageModelV2Middleware`).
 */
export interface RunledgerMiddleware {
  readonly specificationVersion: "v3";
  /** Joins the current `withBudget` signal into the call's `abortSignal`. */
  transformParams<P extends AISDKCallOptions>(options: { params: P }): PromiseLike<P>;
  wrapGenerate<R>(options: {
    doGenerate: () => PromiseLike<R>;
    doStream: () => PromiseLike<unknown>;
    params: AISDKCallOptions;
    model: AISDKLanguageModel;
  }): Promise<R>;
  wrapStream<R>(options: {
    doGenerate: () => PromiseLike<unknown>;
    doStream: () => PromiseLike<R>;
    params: AISDKCallOptions;
    model: AISDKLanguageModel;
  }): Promise<R>;
}

/**
 * A middleware for the Vercel AI SDK's `wrapLanguageModel` that makes every call of the wrapped model
 * (`generateText`, `streamText`, `generateObject`, `streamObject`, agents and tool loops: one run per
 * model call) a chat-model run for the ambient handlers (`withUsageMetadata`, `withCallbacks`, a
 * `RunTracer`, the OpenTelemetry handler) and `options.callbacks`: the call options and `ls_*`
 * metadata (provider named from the model, e.g. `openai.chat` → `openai`), one token event per
 * streamed text delta, then the text, tool calls, finish reason and usage (cache reads and writes
 * inside `input_tokens`, reasoning inside `output_tokens`, each counted once), or the error, with
 * the partial output of a stream that fails, is aborted or is abandoned.
 *
 * Works with `LanguageModelV2` (AI SDK 5), `V3` (AI SDK 6) and `V4` (AI SDK 7) models. To trace every
 * model of a provider, wrap the provider once: `wrapProvider({ provider, languageModelMiddleware })`.
 *
 * @example
 * import { generateText, wrapLanguageModel } from "ai";
 * import { openai } from "@ai-sdk/openai";
 * import { withUsageMetadata } from "runledger";
 * import { runledgerMiddleware } from "runledger/ai-sdk";
 *
 * const model = wrapLanguageModel({ model: openai("gpt-4o-mini"), middleware: runledgerMiddleware() });
 * const { usage } = await withUsageMetadata(() => generateText({ model, prompt: "Hi" }));
 */
export function runledgerMiddleware(options?: RunledgerMiddlewareOptions): RunledgerMiddleware {
  const given = options ?? {};
  return {
    specificationVersion: "v3",
    transformParams: ({ params }) => Promise.resolve(withBudgetSignal(params)),
    wrapGenerate: ({ doGenerate, params, model }) => generateAsRun(model, params, given, doGenerate),
    wrapStream: ({ doStream, params, model }) => streamAsRun(model, params, given, doStream),
  };
}

interface WrappedModel {
  target: AISDKLanguageModel;
  options: RunledgerMiddlewareOptions;
}

// Models returned by wrapAISDKModel, to unwrap them when wrapped again (shared by the ESM and CJS builds).
const REGISTRY_KEY = Symbol.for("runledger.wrapped-ai-sdk-models");
const registryHolder = globalThis as { [REGISTRY_KEY]?: WeakMap<object, WrappedModel> };
const wrappedModels: WeakMap<object, WrappedModel> = (registryHolder[REGISTRY_KEY] ??= new WeakMap());

/**
 * `runledgerMiddleware` applied to one model, without importing `ai`: returns a model of the same type
 * and spec version whose `doGenerate` / `doStream` make chat-model runs; every other member is the
 * model's own. Wrapping a wrapped model again wraps the original with both option sets merged.
 *
 * @example
 * import { streamText } from "ai";
 * import { anthropic } from "@ai-sdk/anthropic";
 * import { wrapAISDKModel } from "runledger/ai-sdk";
 *
 * const model = wrapAISDKModel(anthropic("claude-sonnet-4-5"), { tags: ["support"] });
 * const result = streamText({ model, prompt: "Hi" });
 * for await (const text of result.textStream) process.stdout.write(text);
 */
export function wrapAISDKModel<M extends AISDKLanguageModel>(model: M, options?: RunledgerMiddlewareOptions): M {
  const given = options ?? {};
  const existing = wrappedModels.get(model);
  if (existing !== undefined) return wrapAISDKModel(existing.target as M, mergeWrapOptions(existing.options, given));
  const middleware = runledgerMiddleware(given);
  const doGenerate = (given: AISDKCallOptions): Promise<unknown> => {
    const params = withBudgetSignal(given);
    return middleware.wrapGenerate({
      doGenerate: () => callModel(model, "doGenerate", params),
      doStream: () => callModel(model, "doStream", params),
      params,
      model,
    });
  };
  const doStream = (given: AISDKCallOptions): Promise<unknown> => {
    const params = withBudgetSignal(given);
    return middleware.wrapStream({
      doGenerate: () => callModel(model, "doGenerate", params),
      doStream: () => callModel(model, "doStream", params),
      params,
      model,
    });
  };
  const proxy = new Proxy(model, {
    get: (target, prop) => {
      if (prop === "doGenerate") return doGenerate;
      if (prop === "doStream") return doStream;
      return Reflect.get(target, prop) as unknown;
    },
  });
  wrappedModels.set(proxy, { target: model, options: given });
  return proxy;
}

function callModel(
  model: AISDKLanguageModel,
  method: "doGenerate" | "doStream",
  params: AISDKCallOptions,
): PromiseLike<unknown> {
  return (model[method] as (options: AISDKCallOptions) => PromiseLike<unknown>).call(model, params);
}
