import type { NewTokenFields } from "../../../callbacks/index.js";
import type { TokenSink } from "./chat-call-spec.js";
import type { ChatRun } from "./chat-run.js";
import type { JsonRecord } from "../common/records.js";

/**
 * Reports the text deltas of one stream's events to its run as new-token events (through the spec's
 * `textDeltas`). Allocation-free per event: one `fields` object serves the whole stream (handlers
 * read `fields.chunk`, the raw event, during the call).
 *
 * @example
 * const reporter = new TokenReporter(run);
 * const pending = reporter.report(event); // a promise only when awaited handlers must finish first
 */
export class TokenReporter implements TokenSink {
  private readonly run: ChatRun;
  private readonly fields: NewTokenFields = { chunk: undefined };
  private pending: Promise<void> | undefined;

  constructor(run: ChatRun) {
    this.run = run;
  }

  /** Reports every text delta of `event`; returns what awaited handlers (`awaitHandlers`) still do. */
  report(event: JsonRecord): Promise<void> | undefined {
    this.pending = undefined;
    this.run.spec.textDeltas(event, this);
    return this.pending;
  }

  token(text: string, index: number, event: JsonRecord): void {
    this.fields.chunk = event;
    const pending = this.run.token(text, index, this.fields);
    // Only handlers that ask to be awaited (`awaitHandlers`) and return promises land here.
    if (pending !== undefined)
      this.pending = this.pending === undefined ? pending : Promise.all([this.pending, pending]).then(noop);
  }
}

function noop(): void {}
