import { currentBudgetSignal, joinSignals } from "../../callbacks/budget-context.js";
import { emitWarning } from "../../callbacks/warnings.js";
import type { LLMResult } from "../../schemas/index.js";
import { asRecord, isRecord, type JsonRecord } from "../providers/common/records.js";
import type { ChatCallSpec, TokenSink } from "../providers/wrap/chat-call-spec.js";
import { ChatRun, settleInBackground } from "../providers/wrap/chat-run.js";
import { StreamAbandonedError } from "../providers/wrap/stream-abandoned-error.js";
import { TokenReporter } from "../providers/wrap/token-reporter.js";
import { emptyLLMResult } from "../providers/wrap/to-llm-result.js";
import type { WrapClientOptions } from "../providers/wrap/wrap-options.js";
import { AISDKOutput } from "./ai-sdk-output.js";
import type { AISDKCallOptions, AISDKLanguageModel } from "./language-model.js";
import { lsProviderOf, payloadProviderOf } from "./provider-name.js";

// Call options that are not request parameters: the signal and headers (which may carry credentials)
// stay out of the run; the prompt is reported as the run's messages.
const NOT_PARAMETERS = new Set(["abortSignal", "headers", "includeRawChunks"]);

const specs = new WeakMap<object, ChatCallSpec>();

/**
 * Makes one `doGenerate` call of an AI SDK model a chat-model run: started with the call options,
 * ended with the result's text, tool calls, finish reason and usage, or failed with the call's error.
 * Returns the model's result unchanged.
 *
 * @example
 * // what runledgerMiddleware's wrapGenerate does:
 * generateAsRun(model, params, { tags: ["chat"] }, () => model.doGenerate(params));
 */
export async function generateAsRun<R>(
  model: AISDKLanguageModel,
  params: AISDKCallOptions,
  options: WrapClientOptions,
  doGenerate: () => PromiseLike<R>,
): Promise<R> {
  const { run, result } = await callAsRun(model, params, options, doGenerate);
  const output = outputOf(model, run.spec);
  output.addGenerateResult(result);
  await run.end(run.output(() => output.result(), `${model.provider} result`));
  return result;
}

/**
 * Makes one `doStream` call of an AI SDK model a chat-model run: the returned result's `stream` is
 * the model's, observed as it is read: one new-token event per text delta (`fields.chunk` is the
 * stream part), then the end with the merged output, or an error with the partial output when the
 * stream fails, is aborted, ends with an `error` part and no `finish`, or is cancelled by its reader
 * (`StreamAbandonedError`).
 *
 * @example
 * // what runledgerMiddleware's wrapStream does:
 * const { stream } = await streamAsRun(model, params, {}, () => model.doStream(params));
 */
export async function streamAsRun<R>(
  model: AISDKLanguageModel,
  params: AISDKCallOptions,
  options: WrapClientOptions,
  doStream: () => PromiseLike<R>,
): Promise<R> {
  const { run, result } = await callAsRun(model, params, options, doStream);
  const record = asRecord(result);
  const stream = record?.stream;
  if (!isReadableStream(stream)) {
    emitWarning(
      "unobserved_response",
      `An AI SDK ${model.provider} stream result has no readable stream; its output is not recorded`,
    );
    settleInBackground(run.end(emptyLLMResult()));
    return result;
  }
  const tracker = new StreamTracker(run, outputOf(model, run.spec), abortSignalOf(params));
  return { ...record, stream: observed(stream, tracker) } as R;
}

/** Starts the run and makes the call in its context; a call that fails fails the run. */
async function callAsRun<R>(
  model: AISDKLanguageModel,
  params: AISDKCallOptions,
  options: WrapClientOptions,
  call: () => PromiseLike<R>,
): Promise<{ run: ChatRun; result: R }> {
  const run = ChatRun.start(specOf(model), requestOf(model, params), options);
  try {
    return { run, result: await run.inContext(call) };
  } catch (error) {
    await run.fail(error);
    throw error;
  }
}

/**
 * The call options with the current budget's signal joined into `abortSignal` (the caller's own
 * signal still aborts too); the options unchanged outside `withBudget`. An aborted budget makes the
 * provider refuse the call before sending it.
 *
 * @example
 * // runledgerMiddleware's transformParams:
 * const sent = withBudgetSignal(params);
 */
export function withBudgetSignal<P extends AISDKCallOptions>(params: P): P {
  const budget = currentBudgetSignal();
  return budget === undefined ? params : { ...params, abortSignal: joinSignals(params.abortSignal, budget) };
}

/**
 * The signal that aborts the call: the caller's `abortSignal`, joined with a budget's by
 * `withBudgetSignal` before the call; this is where a stream that ends quietly learns it was aborted.
 */
function abortSignalOf(params: AISDKCallOptions): AbortSignal | undefined {
  const signal: unknown = params.abortSignal;
  return typeof signal === "object" && signal !== null && "aborted" in signal ? (signal as AbortSignal) : undefined;
}

function specOf(model: AISDKLanguageModel): ChatCallSpec {
  let spec = specs.get(model);
  if (spec === undefined) {
    const provider = lsProviderOf(String(model.provider));
    spec = {
      provider: payloadProviderOf(provider),
      host: { provider },
      runName: String(model.provider),
      promptKeys: new Set(["prompt"]),
      maxTokensKeys: ["maxOutputTokens"],
      stopKey: "stopSequences",
      messages: (request: JsonRecord): unknown[] => (Array.isArray(request.prompt) ? request.prompt : []),
      textDeltas: streamTextDeltas,
    };
    specs.set(model, spec);
  }
  return spec;
}

function outputOf(model: AISDKLanguageModel, spec: ChatCallSpec): AISDKOutput {
  return new AISDKOutput(String(model.provider), spec.provider, String(model.modelId));
}

/** The run's request: the model id and the call options, minus what is no request parameter. */
function requestOf(model: AISDKLanguageModel, params: AISDKCallOptions): JsonRecord {
  const request: JsonRecord = { model: String(model.modelId) };
  for (const key of Object.keys(params)) {
    if (!NOT_PARAMETERS.has(key) && params[key] !== undefined) request[key] = params[key];
  }
  return request;
}

function streamTextDeltas(part: JsonRecord, sink: TokenSink): void {
  if (part.type !== "text-delta") return;
  const delta = part.delta;
  if (typeof delta === "string" && delta.length > 0) sink.token(delta, 0, part);
}

class StreamTracker {
  private readonly run: ChatRun;
  private readonly output: AISDKOutput;
  private readonly signal: AbortSignal | undefined;
  private readonly tokens: TokenReporter;
  private streamError: unknown;
  private sawError = false;

  constructor(run: ChatRun, output: AISDKOutput, signal: AbortSignal | undefined) {
    this.run = run;
    this.output = output;
    this.signal = signal;
    this.tokens = new TokenReporter(run);
  }

  /** One stream part: merged into the output, its text delta reported. */
  part(part: unknown): Promise<void> | undefined {
    if (!isRecord(part)) return undefined;
    this.output.addStreamPart(part);
    if (part.type === "error" && !this.sawError) {
      this.sawError = true;
      this.streamError = part.error;
    }
    return this.tokens.report(part);
  }

  complete(): Promise<void> | undefined {
    if (this.run.ended) return undefined;
    if (!this.output.finished) {
      // A stream that closes without a `finish` part is no complete response: aborted, or failed.
      if (this.signal?.aborted === true)
        return this.run.fail(this.signal.reason ?? new Error("The request was aborted"), this.partial());
      if (this.sawError) return this.run.fail(this.streamError, this.partial());
    }
    return this.run.end(this.partial());
  }

  fail(error: unknown): Promise<void> | undefined {
    return this.run.ended ? undefined : this.run.fail(error, this.partial());
  }

  abandon(): Promise<void> | undefined {
    return this.run.ended ? undefined : this.run.fail(new StreamAbandonedError(), this.partial());
  }

  private partial(): LLMResult {
    return this.run.output(() => this.output.result(), `${this.run.spec.runName} stream`);
  }
}

/**
 * The reader's stream: each part passes through the tracker on its way (after awaited handlers),
 * with no read-ahead (high-water mark 0), so a part is reported when the reader takes it.
 */
function observed(source: ReadableStream<unknown>, tracker: StreamTracker): ReadableStream<unknown> {
  const reader = source.getReader();
  return new ReadableStream<unknown>(
    {
      pull: (controller) =>
        reader.read().then(
          (step) => {
            if (step.done === true) return after(tracker.complete(), () => controller.close());
            const part: unknown = step.value;
            return after(tracker.part(part), () => controller.enqueue(part));
          },
          (error: unknown) => after(tracker.fail(error), () => controller.error(error)),
        ),
      cancel: (reason: unknown) => after(tracker.abandon(), () => reader.cancel(reason)),
    },
    { highWaterMark: 0 },
  );
}

function after(pending: Promise<void> | undefined, next: () => void | Promise<void>): void | Promise<void> {
  return pending === undefined ? next() : pending.then(next);
}

function isReadableStream(value: unknown): value is ReadableStream<unknown> {
  return isRecord(value) && typeof value.getReader === "function";
}
