import { emitWarning } from "../../../callbacks/warnings.js";
import type { StreamState } from "../payloads/adapter.js";
import { assemble } from "../payloads/assemble.js";
import type { UsageProblem } from "../wrap/usage-outcome.js";
import { findChunkAdapter, type AdapterMatch } from "../payloads/detect.js";
import { ProviderPayloadError } from "../common/errors.js";
import { describeValue, isRecord } from "../common/records.js";
import { ADAPTERS, expectedShapes, resolveProvider } from "../payloads/registry.js";
import type { NormalizeOptions, ProviderName, StreamAccumulatorOptions, StreamResult } from "../common/types.js";

/**
 * Merges a provider's raw stream events (parsed JSON objects, or the SDK's stream items) into one
 * final message: the text, tool calls merged by index (argument JSON concatenated, then parsed),
 * logprobs in order, the finish reason, response_metadata, and the token usage counted exactly once
 * whatever the provider's streaming style (usage on the last chunk only, cumulative on every chunk,
 * split between start and end events, or sent twice).
 *
 * The provider is detected from the first recognizable chunk unless `options.provider` names it.
 * `add` is cheap: it keeps references and string pieces; parsing and joining happen once, in `result`.
 *
 * @example
 * const acc = new StreamAccumulator({ provider: "openai" });
 * for await (const chunk of await openai.chat.completions.create({ ...req, stream: true,
 *   stream_options: { include_usage: true } })) acc.add(chunk);
 * const { text, tool_calls, usage_metadata, response_metadata } = acc.result();
 */
export class StreamAccumulator {
  private readonly _options: NormalizeOptions;
  private readonly usageRequested: boolean;
  private readonly _requested: ProviderName | undefined;
  private _match: AdapterMatch | undefined;
  private _state: StreamState | undefined;
  private skipped = 0;
  private _result: StreamResult | undefined;

  constructor(options: StreamAccumulatorOptions = {}) {
    this._requested = resolveProvider(options.provider);
    this._options = { ...options };
    this.usageRequested = options.usageRequested === true;
  }

  /** The provider, once the first recognizable chunk has been seen (or as given). */
  get provider(): ProviderName | undefined {
    return this._match?.provider ?? this._requested;
  }

  /**
   * Adds one stream event. Chunks of an unexpected shape are skipped (a warning is recorded once)
   * until a recognizable one arrives; after that the provider's stream reader ignores what it does
   * not know.
   *
   * @throws ProviderPayloadError when `rawChunk` is not an object.
   */
  add(rawChunk: unknown): void {
    const state = this._state;
    if (state !== undefined && isRecord(rawChunk)) {
      this._result = undefined;
      state.add(rawChunk);
      return;
    }
    if (!isRecord(rawChunk)) {
      throw new ProviderPayloadError(
        `StreamAccumulator.add: expected a stream event object, got ${describeValue(rawChunk)}`,
        expectedShapes(this._match?.provider ?? this._requested, "chunk"),
        this._requested,
      );
    }
    const match = findChunkAdapter(rawChunk, this._requested);
    if (match === undefined) {
      if (this.skipped++ === 0) {
        emitWarning(
          "unrecognized_chunk",
          `StreamAccumulator: skipped a chunk of unknown shape (${describeValue(rawChunk)}) while waiting for the first ${this._requested ?? "provider"} stream event`,
        );
      }
      return;
    }
    this._match = match;
    this._state = match.adapter.createStream(this.usageRequested);
    this._result = undefined;
    this._state.add(rawChunk);
  }

  /**
   * The merged message so far (normally called once, after the last chunk). Missing or invalid
   * usage leaves `usage_metadata` undefined and records a warning.
   *
   * @throws ProviderPayloadError when no chunk was recognizable and no provider was given.
   */
  result(): StreamResult {
    if (this._result !== undefined) return this._result;
    this._result = this.build(undefined);
    return this._result;
  }

  /**
   * @internal The merged message of a stream cut short, without the missing-usage warning: the
   * caller completes the usage from the tokens streamed and words the warning itself (the problem is
   * undefined when the usage was read, or already reported by an earlier `result()`).
   */
  cutResult(): { result: StreamResult; usageProblem: UsageProblem | undefined } {
    if (this._result !== undefined) return { result: this._result, usageProblem: undefined };
    let usageProblem: UsageProblem | undefined;
    this._result = this.build((problem) => {
      usageProblem = problem;
    });
    return { result: this._result, usageProblem };
  }

  private build(onUsageProblem: ((problem: UsageProblem) => void) | undefined): StreamResult {
    let match = this._match;
    let state = this._state;
    if (match === undefined || state === undefined) {
      const requested = this._requested;
      // A known provider with no recognizable chunk (an empty stream) reads as its first format, empty.
      const adapter = requested === undefined ? undefined : ADAPTERS[requested][0];
      if (requested === undefined || adapter === undefined) {
        throw new ProviderPayloadError(
          `StreamAccumulator.result: no recognizable stream event among ${this.skipped} chunk(s)`,
          expectedShapes(requested, "chunk"),
          requested,
        );
      }
      match = { provider: requested, adapter };
      state = adapter.createStream(this.usageRequested);
    }
    return assemble(state.finish(), match, this._options, onUsageProblem);
  }
}
