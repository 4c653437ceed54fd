import { emitWarning } from "../../../callbacks/warnings.js";
import { BudgetExceededError } from "../../../callbacks/budget-exceeded-error.js";
import { currentBudgetSignal } from "../../../callbacks/budget-context.js";
import type { LLMResult } from "../../../schemas/index.js";
import type { ChatRun } from "./chat-run.js";
import { settleInBackground } from "./chat-run.js";
import { isRecord, type JsonRecord } from "../common/records.js";
import { StreamAbandonedError } from "./stream-abandoned-error.js";
import { cutStreamUsage } from "./cut-stream-usage.js";
import type { UsageEstimate } from "../../../callbacks/streamed-usage.js";
import { StreamAccumulator } from "../stream/stream-accumulator.js";
import { TokenReporter } from "./token-reporter.js";
import { reportUsageProblem, type UsageProblem } from "./usage-outcome.js";
import { emptyLLMResult } from "./to-llm-result.js";

type IteratorFactory = (this: unknown) => AsyncIterator<unknown>;
type Step = IteratorResult<unknown> | Promise<IteratorResult<unknown>>;

interface AbortSignalLike {
  aborted?: unknown;
  reason?: unknown;
}

const HIDDEN = Symbol("hidden");

/**
 * Instruments an SDK stream in place, so that every way of reading it (for-await, `tee()`,
 * `toReadableStream()`, the SDKs' stream helpers) reports to `run`, exactly once: one new-token
 * event per text delta (with the raw event as `fields.chunk`), then the end with the merged message,
 * or an error (with the partial output) when the stream fails, is aborted, or is abandoned.
 * `hideEvent` marks events the wrapper itself asked for: they are counted, never yielded.
 *
 * @example
 * const stream = await openai.chat.completions.create({ ...request, stream: true });
 * observeStream(stream, run);
 * for await (const chunk of stream) render(chunk); // tokens reported as they pass, the run ends at the end
 */
export function observeStream(
  stream: object,
  run: ChatRun,
  hideEvent?: (event: JsonRecord) => boolean,
  usageRequested = false,
): void {
  const slots = stream as Record<PropertyKey, unknown>;
  // The SDKs' `Stream` keeps its iterator factory in an own `iterator` property, which `[Symbol.asyncIterator]`,
  // `tee()` and `toReadableStream()` all go through; other async iterables are instrumented at the protocol.
  const key: PropertyKey =
    Object.hasOwn(stream, "iterator") && typeof slots.iterator === "function" ? "iterator" : Symbol.asyncIterator;
  const source = slots[key] as IteratorFactory;
  const tracker = new StreamTracker(run, hideEvent, abortSignalOf(stream), usageRequested);
  try {
    Object.defineProperty(stream, key, {
      value: function iterate(this: unknown): AsyncIterator<unknown> {
        return tracker.attach(source.call(this));
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  } catch (error) {
    // A frozen stream is the caller's to read as it is; the run cannot follow it.
    emitWarning(
      "unobserved_response",
      `A ${run.spec.provider} stream could not be instrumented; its output and usage are not recorded`,
      error,
    );
    settleInBackground(run.end(emptyLLMResult()));
  }
}

class StreamTracker {
  private readonly run: ChatRun;
  private readonly accumulator: StreamAccumulator;
  private readonly hideEvent: ((event: JsonRecord) => boolean) | undefined;
  private readonly _signal: AbortSignalLike | undefined;
  private readonly tokens: TokenReporter;
  private readonly budgetSignal = currentBudgetSignal();
  private attached = false;
  private warned = false;

  constructor(
    run: ChatRun,
    hideEvent: ((event: JsonRecord) => boolean) | undefined,
    signal: AbortSignalLike | undefined,
    usageRequested: boolean,
  ) {
    this.run = run;
    this.accumulator = new StreamAccumulator({ provider: run.spec.provider, model: run.model, usageRequested });
    this.tokens = new TokenReporter(run);
    this.hideEvent = hideEvent;
    this._signal = signal;
  }

  /** The first iterator taken from the stream is observed; the SDK refuses to read a stream twice anyway. */
  attach(source: AsyncIterator<unknown>): AsyncIterator<unknown> {
    if (this.attached) return source;
    this.attached = true;
    return new ObservedIterator(source, this);
  }

  /**
   * One stream item: read as the provider's event, merged, then its text deltas reported. Returns
   * HIDDEN for an event the caller must not see.
   */
  event(item: JsonRecord): typeof HIDDEN | Promise<void> | undefined {
    const decode = this.run.spec.event;
    let event: JsonRecord | undefined = item;
    try {
      if (decode !== undefined) event = decode(item);
      if (event !== undefined) this.accumulator.add(event);
    } catch (error) {
      // A fault in reading or merging must never break the caller's stream; the run's output will lack the event.
      if (!this.warned)
        emitWarning("stream_event_dropped", "A stream event could not be merged into the run's output", error);
      this.warned = true;
    }
    if (event === undefined) return undefined;
    if (this.hideEvent !== undefined && this.hideEvent(event)) return HIDDEN;
    return this.tokens.report(event);
  }

  complete(): Promise<void> | undefined {
    if (this.run.ended) return undefined;
    // The SDKs end a stream quietly when its request is aborted: that is no complete response.
    const signal = this._signal;
    if (signal?.aborted === true) return this.failWith(signal.reason ?? new Error("The request was aborted"), true);
    return this.run.end(this.run.output(() => this.accumulator.result(), `${this.run.spec.provider} stream`));
  }

  fail(error: unknown): Promise<void> | undefined {
    if (this.run.ended) return undefined;
    // Some SDKs fail an aborted read with a plain "aborted" error (Bedrock's HTTP handler): the
    // budget's signal, taken when the call was made, tells its abort from a broken connection.
    return this.failWith(error, this.budgetSignal?.aborted === true || isAbortError(error));
  }

  abandon(): Promise<void> | undefined {
    return this.run.ended ? undefined : this.failWith(new StreamAbandonedError(), true);
  }

  // Ends the run with what was streamed; the tokens streamed past the provider's last usage report
  // were billed too, so they complete the partial usage (marked as an estimate). The usage warning
  // says so; a stream the caller (or its budget) cut is expected to lack the provider's usage, and
  // `extra.usage_estimate` records it: no warning then, unless nothing was streamed to estimate from.
  private failWith(error: unknown, cutByCaller: boolean): Promise<void> | undefined {
    const run = this.run;
    let estimate: UsageEstimate | undefined;
    let problem: UsageProblem | undefined;
    const partial: LLMResult = run.output(() => {
      const { result: response, usageProblem } = this.accumulator.cutResult();
      problem = usageProblem;
      const cut = cutStreamUsage(response.usage_metadata, run.streamedTokens);
      if (cut === undefined) return response;
      estimate = cut.estimate;
      return { ...response, usage_metadata: cut.usage };
    }, `partial ${run.spec.provider} stream`);
    if (problem !== undefined) {
      if (estimate === undefined) reportUsageProblem(problem, "usage_metadata left undefined");
      else if (!cutByCaller) {
        const streamed = `usage estimated from the ${run.streamedTokens} tokens streamed before it was cut`;
        reportUsageProblem(problem, `${streamed} (extra.usage_estimate)`);
      }
    }
    return run.fail(error, partial, estimate);
  }
}

/**
 * The caller's iterator. Per event: one promise reaction (the least that observes an async
 * iterator), no await, no other allocation; the SDK's own result objects are passed through.
 */
class ObservedIterator implements AsyncIterableIterator<unknown> {
  private readonly source: AsyncIterator<unknown>;
  private readonly tracker: StreamTracker;

  constructor(source: AsyncIterator<unknown>, tracker: StreamTracker) {
    this.source = source;
    this.tracker = tracker;
  }

  private readonly step = (result: IteratorResult<unknown>): Step => {
    if (result.done === true) return after(this.tracker.complete(), result);
    const event = result.value;
    if (!isRecord(event)) return result;
    const seen = this.tracker.event(event);
    if (seen === HIDDEN) return this.next();
    return after(seen, result);
  };

  private readonly _fail = (error: unknown): Promise<never> => {
    const pending = this.tracker.fail(error);
    if (pending === undefined) throw error;
    return pending.then(() => {
      throw error;
    });
  };

  next(value?: unknown): Promise<IteratorResult<unknown>> {
    return this.source.next(value).then(this.step, this._fail);
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    const close = (): Promise<IteratorResult<unknown>> =>
      this.source.return !== undefined ? this.source.return(value) : Promise.resolve({ done: true, value });
    const pending = this.tracker.abandon();
    return pending === undefined ? close() : pending.then(close);
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    settleInBackground(this.tracker.fail(error));
    return this.source.throw !== undefined ? this.source.throw(error) : Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this;
  }
}

function after(pending: Promise<void> | undefined, result: IteratorResult<unknown>): Step {
  return pending === undefined ? result : pending.then(() => result);
}

/**
 * An abort the caller asked for, as the SDKs report it: fetch's `AbortError` (Mistral, Cohere,
 * Bedrock), the Stainless SDKs' `APIUserAbortError`, or the abort reason itself (a budget's
 * `BudgetExceededError`, which fetch rejects with).
 */
function isAbortError(error: unknown): boolean {
  if (error instanceof BudgetExceededError) return true;
  const name = typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === "string" && name.endsWith("AbortError");
}

function abortSignalOf(stream: object): AbortSignalLike | undefined {
  const controller = (stream as { controller?: unknown }).controller;
  if (!isRecord(controller)) return undefined;
  const signal = controller.signal;
  return typeof signal === "object" && signal !== null ? (signal as AbortSignalLike) : undefined;
}
