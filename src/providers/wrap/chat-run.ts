import { describeValue } from "../../../callbacks/describe-value.js";
import {
  CallbackManager,
  type CallbackManagerForLLMRun,
  type NewTokenFields,
  type NewTokenIndices,
} from "../../../callbacks/index.js";
import { emitWarning } from "../../../callbacks/warnings.js";
import type { LLMResult } from "../../../schemas/index.js";
import type { ChatCallSpec } from "./chat-call-spec.js";
import { invocationParams, lsParams } from "./ls-params.js";
import { serverMetadata } from "./openai-hosts.js";
import type { JsonRecord } from "../common/records.js";
import type { WrapClientOptions } from "./wrap-options.js";
import type { NormalizedResponse } from "../common/types.js";
import { readLLMResult } from "./to-llm-result.js";
import type { UsageEstimate } from "../../../callbacks/streamed-usage.js";

// Token indices of completions other than the first (n > 1), made once per index and shared; the
// cache is bounded, since the indices come from the provider's payload.
const completionIndices: NewTokenIndices[] = [];
const CACHED_INDICES = 64;

/**
 * One chat-model run of a wrapped client call: started with the request, then ended exactly once
 * (end or error) by whichever consumption path sees the outcome first.
 *
 * @example
 * const run = ChatRun.start(spec, request, { callbacks: [handler] });
 * const response = await run.inContext(() => resource.create(request));
 * run.end(toLLMResult(normalizeResponse(response, { provider: spec.provider })));
 */
export class ChatRun {
  readonly spec: ChatCallSpec;
  /** The model the request asked for. */
  readonly model: string | undefined;
  private readonly manager: CallbackManagerForLLMRun;
  private claimed = false;
  private _ended = false;
  private _streamedTokens = 0;

  private constructor(manager: CallbackManagerForLLMRun, spec: ChatCallSpec, model: string | undefined) {
    this.manager = manager;
    this.spec = spec;
    this.model = model;
  }

  /**
   * Starts the run of `sent` (the request as it goes out, read through the spec's `view`) with the
   * ambient handlers and the wrapper's options. The run's metadata: the caller's, then the `ls_*`
   * keys, then `server_address` / `server_port` when the spec knows the host or server (see `serverMetadata`).
   */
  static start(spec: ChatCallSpec, sent: JsonRecord, options: WrapClientOptions): ChatRun {
    const request = spec.view === undefined ? sent : spec.view(sent);
    const manager = CallbackManager.configure({
      callbacks: options.callbacks,
      tags: options.tags,
      metadata: { ...options.metadata, ...lsParams(spec, request), ...serverMetadata(spec.host ?? spec.server) },
    });
    const run = manager.handleChatModelStart(
      { lc: 1, type: "not_implemented", id: ["runledger", "providers", spec.runName] },
      [spec.messages(request)],
      undefined,
      undefined,
      { invocation_params: invocationParams(spec, request), batch_size: 1 },
      undefined,
      undefined,
      options.runName ?? spec.runName,
    );
    return new ChatRun(run, spec, typeof request.model === "string" ? request.model : undefined);
  }

  get ended(): boolean {
    return this._ended;
  }

  /** Text deltas reported so far (one new-token event each): the output a stream cut short is billed for. */
  get streamedTokens(): number {
    return this._streamedTokens;
  }

  /** True for the first caller only: the first path that observes the call's outcome reports it. */
  claim(): boolean {
    if (this.claimed) return false;
    this.claimed = true;
    return true;
  }

  /** Runs the provider call as the run's body (children nest under it, handlers' contexts are current). */
  inContext<T>(fn: () => T): T {
    return this.manager.runInContext(fn);
  }

  /** One streamed text delta. Hot path: allocates nothing (indices are shared, `fields` is the caller's). */
  token(text: string, index: number, fields: NewTokenFields): Promise<void> | undefined {
    if (this._ended) return undefined;
    this._streamedTokens++;
    const indices = index === 0 ? undefined : indicesOf(index);
    return this.manager.handleLLMNewToken(text, indices, undefined, undefined, undefined, fields);
  }

  /**
   * The run's output read from the provider's response (see `readLLMResult`), with
   * `response_metadata.model_provider` naming the host that served it when the spec knows one.
   */
  output(read: () => NormalizedResponse, what: string): LLMResult {
    const host = this.spec.host;
    if (host === undefined) return readLLMResult(read, what);
    return readLLMResult(() => {
      const response = read();
      response.response_metadata.model_provider = host.provider;
      return response;
    }, what);
  }

  /** Ends the run with its output (no-op once ended). */
  end(output: LLMResult): Promise<void> | undefined {
    if (this._ended) return undefined;
    this._ended = true;
    return this.afterStart(() => this.manager.handleLLMEnd(output));
  }

  /**
   * Ends the run as failed (no-op once ended). `partial` is what the model produced before the
   * failure (a broken or abandoned stream); it goes to handlers as `extraParams.response`, as
   * LangChain passes a failed stream's partial LLMResult in `on_llm_error(…, response=…)`.
   * `estimate` says which of the partial usage's counts runledger estimated (`extra.usage_estimate`).
   */
  fail(error: unknown, partial?: LLMResult, estimate?: UsageEstimate): Promise<void> | undefined {
    if (this._ended) return undefined;
    this._ended = true;
    const extra =
      partial === undefined
        ? undefined
        : estimate === undefined
          ? { response: partial }
          : { response: partial, usage_estimate: estimate };
    return this.afterStart(() => this.manager.handleLLMError(error, undefined, undefined, undefined, extra));
  }

  // Awaited start handlers (`awaitHandlers`) may still be running: the end event must not overtake them.
  private afterStart(dispatch: () => Promise<void> | undefined): Promise<void> | undefined {
    const started = this.manager.started;
    return started === undefined ? dispatch() : started.then(dispatch);
  }
}

function indicesOf(completion: number): NewTokenIndices {
  if (completion >= CACHED_INDICES) return { prompt: 0, completion };
  return (completionIndices[completion] ??= Object.freeze({ prompt: 0, completion }));
}

/**
 * For end events nobody can wait for (the caller already has its value): a failing awaited
 * handler becomes a warning instead of an unhandled rejection.
 *
 * @example
 * settleInBackground(run.end(emptyLLMResult()));
 */
export function settleInBackground(pending: Promise<void> | undefined): void {
  pending?.then(undefined, (error: unknown) => {
    const reason = describeValue(error);
    emitWarning("handler_error", `A callback handler failed after the call had returned: ${reason}`, error);
  });
}
