import { currentBudgetSignal } from "../../../callbacks/budget-context.js";
import { emitWarning } from "../../../callbacks/warnings.js";
import type { ChatCallSpec, PreparedRequest } from "./chat-call-spec.js";
import { ChatRun, settleInBackground } from "./chat-run.js";
import { normalizeResponse } from "../payloads/normalize.js";
import { observeResult, type OutcomeObserver } from "./observe-promise.js";
import { observeStream } from "./observe-stream.js";
import { isRecord, type JsonRecord } from "../common/records.js";
import { emptyLLMResult } from "./to-llm-result.js";
import type { NormalizedResponse } from "../common/types.js";
import type { WrapClientOptions } from "./wrap-options.js";

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Makes one provider call as a chat-model run: starts the run with the request, calls `original` on
 * its own resource inside the run's context, and observes the result without changing what the
 * caller gets (the SDK's promise, stream or helper object).
 *
 * @example
 * // what a wrapped `completions.create(request)` does:
 * callInstrumented(completions.create, completions, spec, { tags: ["demo"] }, [request]);
 */
export function callInstrumented(
  original: Method,
  owner: object,
  spec: ChatCallSpec,
  options: WrapClientOptions,
  args: unknown[],
): unknown {
  // Inside withBudget, the budget's signal aborts the call: one already aborted is refused by the
  // SDK before anything is sent.
  const budgetSignal = currentBudgetSignal();
  if (budgetSignal !== undefined) spec.abortSignal?.(args, budgetSignal);
  return instrumentCall(spec, options, isRecord(args[0]) ? args[0] : {}, (sent) => {
    if (sent !== args[0]) args[0] = sent;
    return original.apply(owner, args);
  });
}

/**
 * The run of one provider call whose request is `request`: `call` sends the request (as the spec
 * prepared it) inside the run's context, and its result is observed and returned as it is. For
 * SDKs whose calls are not a method with the request first (a Bedrock middleware).
 *
 * @example
 * // a middleware's handler: the command's input is the request, the deserialized output the result
 * (args) => instrumentCall(spec, options, args.input, (input) => next({ ...args, input }));
 */
export function instrumentCall(
  spec: ChatCallSpec,
  options: WrapClientOptions,
  request: JsonRecord,
  call: (sent: JsonRecord) => unknown,
): unknown {
  const prepared = spec.prepare?.(request);
  const sent = prepared?.request ?? request;
  const run = ChatRun.start(spec, sent, options);
  let result: unknown;
  try {
    result = run.inContext(() => call(sent));
  } catch (error) {
    settleInBackground(run.fail(error));
    throw error;
  }
  return observeResult(result, new CallObserver(run, sent, prepared));
}

class CallObserver implements OutcomeObserver {
  private readonly run: ChatRun;
  private readonly streaming: boolean;
  private readonly _hideEvent: PreparedRequest["hideEvent"];
  private readonly usageRequested: boolean;

  constructor(run: ChatRun, request: JsonRecord, prepared: PreparedRequest | undefined) {
    this.run = run;
    this.streaming = run.spec.streams === true || request.stream === true;
    this._hideEvent = prepared?.hideEvent;
    // Asked for by runledger or by the caller: either way the hint to ask for it would be wrong.
    this.usageRequested = isRecord(request.stream_options) && request.stream_options.include_usage === true;
  }

  claim(): boolean {
    return this.run.claim();
  }

  readonly onValue = (value: unknown): unknown => {
    const spec = this.run.spec;
    if (this.streaming) {
      const stream = spec.stream === undefined ? value : spec.stream(value);
      if (isAsyncIterable(stream)) {
        observeStream(stream, this.run, this._hideEvent, this.usageRequested);
        return value;
      }
    }
    const payload = (): unknown => (spec.response === undefined ? value : spec.response(value));
    const pending = this.run.end(this.run.output(() => this.normalize(payload()), `${spec.provider} response`));
    return pending === undefined ? value : pending.then(() => value);
  };

  readonly onError = (error: unknown): never | Promise<never> => {
    const pending = this.run.fail(error);
    if (pending === undefined) throw error;
    return pending.then(() => {
      throw error;
    });
  };

  readonly onRawResponse = (response: unknown): unknown => {
    const run = this.run;
    const clone = isRecord(response) ? response.clone : undefined;
    if (this.streaming || typeof clone !== "function") {
      emitWarning(
        "unobserved_response",
        `A ${run.spec.provider} ${this.streaming ? "stream" : "response"} was read raw, outside the SDK's parsing (asResponse(), a message thread): its output and usage are not recorded`,
      );
      settleInBackground(run.end(emptyLLMResult()));
      return response;
    }
    // A copy of the body, read beside the caller's: the caller's body stays unread for them.
    const copy = (clone as () => { json(): Promise<unknown> }).call(response);
    copy.json().then(
      (body) => settleInBackground(run.end(run.output(() => this.normalize(body), `${run.spec.provider} response`))),
      (error: unknown) => {
        emitWarning(
          "unreadable_response",
          `Could not read the ${run.spec.provider} response body; the run ends without output`,
          error,
        );
        settleInBackground(run.end(emptyLLMResult()));
      },
    );
    return response;
  };

  private normalize(value: unknown): NormalizedResponse {
    return normalizeResponse(value, { provider: this.run.spec.provider, model: this.run.model });
  }
}

function isAsyncIterable(value: unknown): value is object {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function"
  );
}
