import { RunledgerError } from "../../../callbacks/runledger-error.js";

/**
 * The error a wrapped client's run ends with when the caller stops reading a stream before its end
 * (`break` out of `for await`, `return()` on the iterator, cancelling `toReadableStream()`). The SDK
 * aborts the request at that point, so the response is incomplete: the run is an error, with what
 * was produced so far passed to handlers as the partial output (`extraParams.response`).
 *
 * @example
 * const handler = {
 *   handleLLMError(error: unknown) {
 *     if (error instanceof StreamAbandonedError) console.log("the reader stopped early");
 *   },
 * };
 */
export class StreamAbandonedError extends RunledgerError {
  static override readonly marker: symbol = Symbol.for("runledger.error.StreamAbandonedError");
  override readonly name: string = "StreamAbandonedError";

  constructor() {
    super("stream_abandoned", "The caller stopped reading the stream before it ended; the request was aborted");
  }
}
