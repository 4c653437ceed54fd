import { RunledgerError } from "../../../callbacks/runledger-error.js";
import type { ProviderName } from "./types.js";

/**
 * Thrown when a value is not a provider payload at all: not an object, or an object of no known
 * shape. A payload that is merely partial (no usage, bad counts, missing fields) never throws; it
 * is normalized as far as it goes and the gaps are recorded as warnings.
 *
 * @example
 * try {
 *   normalizeResponse({ hello: "world" });
 * } catch (error) {
 *   if (error instanceof ProviderPayloadError) console.log(error.expected); // the shapes it knows
 * }
 */
export class ProviderPayloadError extends RunledgerError {
  static override readonly marker: symbol = Symbol.for("runledger.error.ProviderPayloadError");
  override readonly name: string = "ProviderPayloadError";
  /** Descriptions of the shapes that would have been accepted. */
  readonly expected: readonly string[];
  /** The provider the caller named, if any. */
  readonly provider: ProviderName | undefined;

  constructor(problem: string, expected: readonly string[], provider?: ProviderName) {
    super(
      "invalid_payload",
      `${problem}; expected ${provider === undefined ? "one of" : `for ${provider} one of`}: ${expected.join("; ")}`,
    );
    this.expected = expected;
    this.provider = provider;
  }
}
