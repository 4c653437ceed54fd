import { emitWarning } from "../../callbacks/index.js";
import type { StreamState } from "./adapter.js";
import { assemble } from "./assemble.js";
import { findChunkAdapter, type AdapterMatch } from "./detect.js";
import { ProviderPayloadError } from "./errors.js";
import { describeValue, isRecord } from "./records.js";
import { ADAPTERS, expectedShapes, resolveProvider } from "./registry.js";
import type { NormalizeOptions, ProviderName, StreamAccumulatorOptions, StreamResult } from "./types.js";

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
  readonly #options: NormalizeOptions;
  readonly #requested: ProviderName | undefined;
  #match: AdapterMatch | undefined;
  #state: StreamState | undefined;
  #skipped = 0;
  #result: StreamResult | undefined;

  constructor(options: StreamAccumulatorOptions = {}) {
    this.#requested = resolveProvider(options.provider);
    this.#options = { ...options };
  }

  /** The provider, once the first recognizable chunk has been seen (or as given). */
  get provider(): ProviderName | undefined {
    return this.#match?.provider ?? this.#requested;
  }

  /**
   * Adds one stream event. Chunks of an unexpected shape are skipped (a warning is recorded once)
   * until a recognizable one arrives; after that the provider's stream reader ignores what it does
   * not know.
   *
   * @throws ProviderPayloadError when `rawChunk` is not an object.
   */
  add(rawChunk: unknown): void {
    const state = this.#state;
    if (state !== undefined && isRecord(rawChunk)) {
      this.#result = undefined;
      state.add(rawChunk);
      return;
    }
    if (!isRecord(rawChunk)) {
      throw new ProviderPayloadError(
        `StreamAccumulator.add: expected a stream event object, got ${describeValue(rawChunk)}`,
        expectedShapes(this.#match?.provider ?? this.#requested, "chunk"),
        this.#requested,
      );
    }
    const match = findChunkAdapter(rawChunk, this.#requested);
    if (match === undefined) {
      if (this.#skipped++ === 0) {
        emitWarning(
          "unrecognized_chunk",
          `StreamAccumulator: skipped a chunk of unknown shape (${describeValue(rawChunk)}) while waiting for the first ${this.#requested ?? "provider"} stream event`,
        );
      }
      return;
    }
    this.#match = match;
    this.#state = match.adapter.createStream();
    this.#result = undefined;
    this.#state.add(rawChunk);
  }

  /**
   * The merged message so far (normally called once, after the last chunk). Missing or invalid
   * usage leaves `usage_metadata` undefined and records a warning.
   *
   * @throws ProviderPayloadError when no chunk was recognizable and no provider was given.
   */
  result(): StreamResult {
    if (this.#result !== undefined) return this.#result;
    let match = this.#match;
    let state = this.#state;
    if (match === undefined || state === undefined) {
      const requested = this.#requested;
      // A known provider with no recognizable chunk (an empty stream) reads as its first format, empty.
      const adapter = requested === undefined ? undefined : ADAPTERS[requested][0];
      if (requested === undefined || adapter === undefined) {
        throw new ProviderPayloadError(
          `StreamAccumulator.result: no recognizable stream event among ${this.#skipped} chunk(s)`,
          expectedShapes(requested, "chunk"),
          requested,
        );
      }
      match = { provider: requested, adapter };
      state = adapter.createStream();
    }
    this.#result = assemble(state.finish(), match, this.#options);
    return this.#result;
  }
}
