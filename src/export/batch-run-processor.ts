import type { Run } from "../../schemas/index.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { RunledgerError } from "../../callbacks/runledger-error.js";
import { describeValue } from "../../callbacks/describe-value.js";
import { settledWithin } from "../../callbacks/handler-timeout.js";
import { registerExitFlush } from "../lifecycle/exit-hooks.js";
import { acceptsRunText, type ExportResult, type RunExporter } from "./run-exporter.js";
import { RetryingRunExporter, nonNegative, type RetryOptions } from "./retrying-run-exporter.js";
import { RunPrivacy, type RunPrivacyOptions } from "./run-privacy.js";
import { runText } from "./run-json.js";
import { RunSpool } from "./spool.js";

/** Options of `BatchRunProcessor`; every field has a default. */
export interface BatchRunProcessorOptions extends RunPrivacyOptions, RetryOptions {
  /** Runs waiting beyond this are dropped (and counted). Default 10,000. */
  maxQueueSize?: number;
  /**
   * Bytes of waiting runs (as estimated by whoever queues them, see `onEnd`) beyond which more are
   * dropped (and counted): a queue of large runs is bounded by memory, not only by count. Default 128 MiB.
   */
  maxQueueBytes?: number;
  /**
   * What a run ending past `maxQueueSize` / `maxQueueBytes` does. `"drop"` (default): it is dropped
   * and counted, so the ending code never waits and memory stays bounded. `"block"`: the ending code
   * itself exports the oldest queued batch first, synchronously (the exporter's `exportSync`, as
   * `JsonlRunExporter` has), then queues its run: a producer that outruns the writer is slowed to the
   * writer's pace and loses nothing, and memory stays bounded. It does so before the bound too when
   * the event loop has not turned since a batch filled (a full batch's export is due and has not
   * started when the next run ends): a producer that never yields would otherwise hold `maxQueueSize`
   * runs for nothing. Needs an exporter with `exportSync`.
   */
  whenFull?: "drop" | "block";
  /** Runs per `export` call. Default 100. */
  maxBatchSize?: number;
  /** How long a partial batch waits for more runs. Default 500 ms. */
  scheduledDelayMillis?: number;
  /**
   * A directory where runs whose export failed for good are written instead of dropped, for
   * `runledger replay <dir>`; also where runs still queued go when the process exits abruptly
   * (`process.exit()`) or `shutdown()` runs out of time. Default `RUNLEDGER_SPOOL_DIR`; unset: no spool.
   */
  spoolDir?: string;
  /** Size cap of the spool directory's files together; runs beyond it are dropped (counted). Default 64 MiB. */
  spoolMaxBytes?: number;
  /** How long `shutdown()` waits for queued and in-flight exports before spooling (or dropping) the rest. Default 30,000 ms. */
  shutdownTimeoutMillis?: number;
}

type DropReason =
  | "queue full"
  | "export failed"
  | "processor shut down"
  | "shutdown deadline"
  | "process exiting"
  | "spool full"
  | "record failed";

/**
 * A finished run as `onEnd` takes it: its record, or a function that builds the record, called once,
 * in the background (so building it costs the ending code nothing).
 */
export type FinishedRun = Run | (() => Run);
/** A run in its export form: the prepared record, or its JSON text when the exporter takes text. */
type ExportForm = Run | string;
type Outcome = { code: "runs_dropped" | "runs_spooled"; reason: DropReason };

/**
 * Batches finished runs and hands them to an exporter off the traced code's path: `onEnd` only
 * queues (the queue is bounded: beyond `maxQueueSize` runs are dropped and counted, or with
 * `whenFull: "block"` the ending code exports the oldest batch synchronously first); a timer that
 * never keeps the process alive exports full batches at once and partial ones after
 * `scheduledDelayMillis`, one export at a time. Each batch is first put in its export form, in the
 * background: JSON-safe, `hideInputs` / `hideOutputs` applied, credentials masked (`RunPrivacy`).
 * Retryable failures are retried by a `RetryingRunExporter` (exponential backoff, at least the
 * server's `Retry-After`). A batch that fails for good goes to the spool directory when there is one
 * (`spoolDir`, replayed by `runledger replay`), else it is dropped. Dropped and spooled runs are
 * reported as one warning per burst, with the exact count. Pending runs are flushed when the process
 * is about to exit (`beforeExit`) until `shutdown()`; on an abrupt exit (`process.exit()`) what is
 * still queued or in flight is written to the spool synchronously (or counted as dropped).
 *
 * @example
 * const processor = new BatchRunProcessor(new JsonlRunExporter(), { maxBatchSize: 50 });
 * processor.onEnd(run);
 * await processor.forceFlush();
 * processor.exportedCount; // 1
 */
// Not `implements ProcessFlushable`: its two hooks are internal (tagged so, and stripped from the declarations), and
// registerExitFlush(this) checks the shape anyway.
export class BatchRunProcessor {
  /** The exporter, wrapped in the retry policy. */
  private readonly exporter: RetryingRunExporter;
  /** The exporter as given, for its synchronous path at exit. */
  private readonly target: RunExporter;
  private readonly maxQueueSize: number;
  private readonly maxBatchSize: number;
  private readonly scheduledDelayMillis: number;
  private readonly shutdownTimeoutMillis: number;
  private readonly privacy: RunPrivacy;
  /** Whether runs are prepared straight to their JSON text (the exporter takes it, see `RunTextExporter`). */
  private readonly textual: boolean;
  private readonly spool: RunSpool | undefined;
  private readonly unregisterExitFlush: () => void;
  private queue: FinishedRun[] = [];
  /** The estimated bytes of each queued run, in queue order, and their sum. */
  private queueBytes: number[] = [];
  private queuedBytes = 0;
  private readonly maxQueueBytes: number;
  private readonly blockWhenFull: boolean;
  /** The batch being exported, in its export form (spooled from the `exit` hook if still there). */
  private inFlight: ExportForm[] | undefined;
  private accepted = 0;
  private settled = 0;
  private exported = 0;
  private dropped = 0;
  private spooled = 0;
  private readonly spoolWrites = new Set<Promise<void>>();
  private readonly unreported = new Map<string, Outcome & { count: number; cause?: unknown }>();
  private timer: NodeJS.Timeout | undefined;
  private timerImmediate = false;
  private exporting: Promise<void> | undefined;
  private exitFlushing = false;
  private reportScheduled = false;
  private shutDown: Promise<void> | undefined;

  constructor(exporter: RunExporter, options: BatchRunProcessorOptions = {}) {
    this.exporter = new RetryingRunExporter(exporter, options);
    this.target = exporter;
    this.maxQueueSize = positive(options.maxQueueSize, 10_000);
    this.maxQueueBytes = positive(options.maxQueueBytes, 128 * 2 ** 20);
    this.blockWhenFull = options.whenFull === "block";
    const exportsSync =
      exporter.exportSync !== undefined || (acceptsRunText(exporter) && exporter.exportRunTextSync !== undefined);
    if (this.blockWhenFull && !exportsSync) {
      throw new RunledgerError(
        "invalid_argument",
        'whenFull: "block" needs an exporter that can export synchronously (exportSync), as JsonlRunExporter can',
      );
    }
    this.maxBatchSize = positive(options.maxBatchSize, 100);
    this.scheduledDelayMillis = nonNegative(options.scheduledDelayMillis, 500);
    this.shutdownTimeoutMillis = nonNegative(options.shutdownTimeoutMillis, 30_000);
    this.privacy = new RunPrivacy(options);
    this.textual = acceptsRunText(exporter);
    const spoolDir = options.spoolDir ?? (process.env.RUNLEDGER_SPOOL_DIR || undefined);
    this.spool =
      spoolDir === undefined ? undefined : new RunSpool(spoolDir, positive(options.spoolMaxBytes, undefined));
    this.unregisterExitFlush = registerExitFlush(this);
  }

  /** Runs handed to the exporter successfully so far. */
  get exportedCount(): number {
    return this.exported;
  }

  /** Runs dropped so far: queue full, export failed for good (without a spool), or received after shutdown. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Runs written to the spool directory so far (export failed for good, shutdown deadline, abrupt exit). */
  get spooledCount(): number {
    return this.spooled;
  }

  /** Runs waiting to be exported (not counting a batch being exported). */
  get queueLength(): number {
    return this.queue.length;
  }

  /**
   * Queues a finished run (or a builder of its record) for export, with an estimate of the bytes it
   * holds (see `maxQueueBytes`). Constant work; never throws; never waits, except past the bound with
   * `whenFull: "block"`, where it first exports the oldest batch itself.
   */
  onEnd(run: FinishedRun, bytes = 0): void {
    if (this.shutDown !== undefined) {
      this.drop("processor shut down", 1);
      this.reportDropsSoon();
      return;
    }
    if (this.isFull(bytes)) {
      if (!this.blockWhenFull) {
        this.drop("queue full", 1);
        return; // reported after the export that is already scheduled
      }
      do this.exportOldestNow();
      while (this.isFull(bytes));
    } else if (this.blockWhenFull && this.writerStarved()) this.exportOldestNow();
    this.queue.push(run);
    this.queueBytes.push(bytes);
    this.queuedBytes += bytes;
    this.accepted++;
    this.schedule();
  }

  /**
   * Whether the event loop has not turned since a batch filled: its export is due at once (a 0 ms
   * timer) and has not started, yet another run ends. A producer that never yields (a loop awaiting
   * only resolved promises) gives the background writer no turn before the queue's bound; with
   * `whenFull: "block"` it writes the batch now, as it would at the bound. Same runs, same order, same
   * work, but queued runs no longer wait by the thousand and outlive young-generation collections.
   */
  private writerStarved(): boolean {
    return this.timerImmediate && this.timer !== undefined && this.queue.length >= this.maxBatchSize;
  }

  // A run larger than the whole bound still goes through an empty queue: the bound limits what waits.
  private isFull(bytes: number): boolean {
    return (
      this.queue.length >= this.maxQueueSize || (this.queue.length > 0 && this.queuedBytes + bytes > this.maxQueueBytes)
    );
  }

  /**
   * `whenFull: "block"` past the bound: the ending code writes the oldest batch itself, synchronously
   * (what the timer would have written later). A batch the exporter refuses goes to the spool or is
   * dropped, counted, as a failed export does.
   */
  private exportOldestNow(): void {
    const runs = this.exportForms(this.take(this.maxBatchSize));
    if (runs.length === 0) return;
    this.settled += runs.length;
    const result = this.exportSyncResult(runs);
    if (result.code === "success") this.exported += runs.length;
    else void this.failForGood(runs, "export failed", result.error);
  }

  /** Settles when every run queued so far has been exported (or dropped). */
  async forceFlush(): Promise<void> {
    const target = this.accepted;
    while (this.settled < target) await (this.exporting ?? this.exportNow());
    this.reportDrops();
  }

  /**
   * Flushes, then shuts the exporter down, within `shutdownTimeoutMillis`: when the deadline passes,
   * the batch in flight and the queued runs go to the spool (or are dropped, counted), so when the
   * promise settles every run ended so far is exported, spooled or counted as dropped. Runs that end
   * afterwards are dropped (and counted). Idempotent.
   */
  shutdown(): Promise<void> {
    // A retry wait keeps the process alive only while the exit flush or a shutdown needs it.
    this.exporter.keepProcessAlive(true);
    this.shutDown ??= this.closeDown();
    return this.shutDown;
  }

  private async closeDown(): Promise<void> {
    const deadline = Date.now() + this.shutdownTimeoutMillis;
    if (!(await settledWithin(this.forceFlush(), this.shutdownTimeoutMillis))) await this.giveUp();
    await Promise.all(this.spoolWrites); // local writes: quick, and they hold the last copy of their runs
    const exporterDown = Promise.resolve().then(() => this.exporter.shutdown());
    if (!(await settledWithin(exporterDown, deadline - Date.now()))) {
      emitWarning("shutdown_timeout", "The exporter's shutdown did not finish before the shutdown deadline");
    }
    this.reportDrops();
    this.unregisterExitFlush();
  }

  /**
   * The deadline passed: the batch in flight and what is queued are spooled (or dropped) now. The
   * in-flight request is not waited for; if the server did take it, the replay of its runs is
   * answered 409 by LangSmith (already stored): delivered at least once, never lost.
   */
  private async giveUp(): Promise<void> {
    this.exporter.stopRetrying();
    const taken = [...(this.inFlight ?? []), ...this.exportForms(this.take(this.queue.length))];
    this.inFlight = undefined;
    if (taken.length === 0) return;
    this.settled += taken.length;
    await this.failForGood(taken, "shutdown deadline", undefined);
  }

  /**
   * @internal Called when the process ends (`exit` hook, or after a signal's flush deadline): what is
   * still queued or in flight is written synchronously by the exporter when it can (`exportSync`, as
   * the JSONL exporter does), else to the spool, else counted as dropped. A batch in flight may then
   * be delivered twice (its request may have reached the server): at least once, never lost.
   */
  spoolOnExit(): void {
    const leftover = [...(this.inFlight ?? []), ...this.exportForms(this.take(this.queue.length))];
    this.inFlight = undefined;
    if (leftover.length > 0) {
      this.settled += leftover.length;
      if (this.exportSyncNow(leftover)) this.exported += leftover.length;
      else if (this.spool === undefined) this.drop("process exiting", leftover.length);
      else {
        try {
          this.spoolWritten(this.spool.writeSync(leftover), "process exiting", undefined);
        } catch (error) {
          this.drop("process exiting", leftover.length, error);
        }
      }
    }
    this.reportDrops();
  }

  private exportSyncNow(runs: ExportForm[]): boolean {
    return this.exportSyncResult(runs).code === "success";
  }

  private exportSyncResult(runs: ExportForm[]): ExportResult {
    const target = this.target;
    try {
      if (acceptsRunText(target) && target.exportRunTextSync !== undefined)
        return target.exportRunTextSync(runs.map(runText));
      if (target.exportSync === undefined) return { code: "failed" };
      return target.exportSync(runs.map(recordOf));
    } catch (error) {
      return { code: "failed", error };
    }
  }

  /** @internal Called by the `beforeExit` hook: flush, keeping the process alive until done. */
  flushOnExit(): void {
    if (this.exitFlushing || (this.queue.length === 0 && this.exporting === undefined)) return;
    this.exitFlushing = true;
    this.exporter.keepProcessAlive(true);
    void this.forceFlush().finally(() => {
      this.exitFlushing = false;
      this.exporter.keepProcessAlive(this.shutDown !== undefined);
    });
  }

  /** Arms the export timer: at once for a full batch, else after the scheduled delay. */
  private schedule(): void {
    if (this.exporting !== undefined || this.queue.length === 0) return; // the export reschedules when done
    const full = this.queue.length >= this.maxBatchSize;
    if (this.timer !== undefined) {
      if (this.timerImmediate || !full) return;
      clearTimeout(this.timer); // a batch filled up before the delay ran out
    }
    this.timerImmediate = full;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.exportNow();
      },
      full ? 0 : this.scheduledDelayMillis,
    );
    this.timer.unref();
  }

  /** Exports queued batches (all full ones, or the one partial batch), then reschedules. */
  private exportNow(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.exporting ??= (async () => {
      do await this.exportBatch(this.take(this.maxBatchSize));
      while (this.queue.length >= this.maxBatchSize);
    })().finally(() => {
      this.exporting = undefined;
      this.reportDrops();
      this.schedule();
    });
    return this.exporting;
  }

  /** The first `count` queued runs, out of the queue and its byte count. */
  private take(count: number): FinishedRun[] {
    for (const bytes of this.queueBytes.splice(0, count)) this.queuedBytes -= bytes;
    return this.queue.splice(0, count);
  }

  private async exportBatch(batch: FinishedRun[]): Promise<void> {
    const runs = this.exportForms(batch);
    if (runs.length === 0) return;
    this.inFlight = runs;
    const result = await this.send(runs);
    // The shutdown deadline or the exit hook took the batch over meanwhile: it was settled there.
    if (this.inFlight !== runs) return;
    this.inFlight = undefined;
    if (result.code === "success") this.exported += runs.length;
    else await this.failForGood(runs, "export failed", result.error);
    this.settled += runs.length;
  }

  private send(runs: ExportForm[]): Promise<ExportResult> {
    return this.textual ? this.exporter.exportRunText(runs.map(runText)) : this.exporter.export(runs.map(recordOf));
  }

  /**
   * The export form of queued runs, built here, in the background, not when the runs ended: records
   * built from their builders, then made JSON-safe, hidden and masked, straight to their JSON text when
   * the exporter takes text. A builder that throws loses its run only (dropped, counted, reported).
   */
  private exportForms(items: readonly FinishedRun[]): ExportForm[] {
    const runs: ExportForm[] = [];
    for (const item of items) {
      try {
        const record = typeof item === "function" ? item() : item;
        runs.push(this.textual ? this.privacy.serialize(record) : this.privacy.prepare(record));
      } catch (error) {
        // Hostile values become markers in the JSON-safe copy; this is the last line: one run lost, counted.
        this.settled++;
        this.drop("record failed", 1, error);
      }
    }
    return runs;
  }

  /** Runs that cannot be exported: to the spool when there is one, else dropped. */
  private async failForGood(runs: ExportForm[], reason: DropReason, cause: unknown): Promise<void> {
    if (this.spool === undefined) {
      this.drop(reason, runs.length, cause);
      return;
    }
    const writing = this.spool.write(runs).then(
      (written) => this.spoolWritten(written, reason, cause),
      (error: unknown) => this.drop(reason, runs.length, error),
    );
    this.spoolWrites.add(writing);
    await writing;
    this.spoolWrites.delete(writing);
  }

  private spoolWritten(
    { written, overCap }: { written: number; overCap: number },
    reason: DropReason,
    cause: unknown,
  ): void {
    this.spooled += written;
    if (written > 0) this.note({ code: "runs_spooled", reason }, written, cause);
    if (overCap > 0) this.drop("spool full", overCap);
  }

  private drop(reason: DropReason, count: number, cause?: unknown): void {
    this.dropped += count;
    this.note({ code: "runs_dropped", reason }, count, cause);
  }

  private note(outcome: Outcome, count: number, cause: unknown): void {
    const key = `${outcome.code}:${outcome.reason}`;
    const entry = this.unreported.get(key);
    if (entry === undefined) this.unreported.set(key, { ...outcome, count, cause });
    else {
      entry.count += count;
      if (cause !== undefined) entry.cause = cause;
    }
  }

  private reportDropsSoon(): void {
    if (this.reportScheduled) return;
    this.reportScheduled = true;
    setImmediate(() => {
      this.reportScheduled = false;
      this.reportDrops();
    }).unref();
  }

  /** One warning per outcome and reason for everything dropped or spooled since the last report, with the exact count. */
  private reportDrops(): void {
    for (const { code, reason, count, cause } of this.unreported.values()) {
      const detail = cause === undefined ? "" : `: ${describeValue(cause)}`;
      const runs = `${count} run${count === 1 ? "" : "s"}`;
      const message =
        code === "runs_dropped" ? `Dropped ${runs}` : `Spooled ${runs} to ${this.spool?.dir ?? "the spool"}`;
      emitWarning(code, `${message} (${reason}${detail})`, cause);
    }
    this.unreported.clear();
  }
}

// Every form of a batch is of one kind (the processor's `textual`); this converts the other kind anyway.
function recordOf(run: ExportForm): Run {
  return typeof run === "string" ? (JSON.parse(run) as Run) : run;
}

function positive<T extends number | undefined>(value: number | undefined, fallback: T): number | T {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
