import type { Run } from "../../schemas/index.js";
import { emitWarning } from "../../callbacks/index.js";
import { registerExitFlush, type ExitFlushable } from "./exit-flush.js";
import { toJsonSafeRun } from "./json-safe.js";
import type { ExportResult, RunExporter } from "./run-exporter.js";

/** Options of `BatchRunProcessor`; every field has a default. */
export interface BatchRunProcessorOptions {
  /** Runs waiting beyond this are dropped (and counted). Default 10,000. */
  maxQueueSize?: number;
  /** Runs per `export` call. Default 100. */
  maxBatchSize?: number;
  /** How long a partial batch waits for more runs. Default 500 ms. */
  scheduledDelayMillis?: number;
  /** Retries of a batch whose export failed in a retryable way. Default 5. */
  maxRetries?: number;
  /** First backoff; it doubles with each retry (with jitter). Default 500 ms. */
  initialBackoffMillis?: number;
  /** Upper bound of one wait, `Retry-After` included. Default 30,000 ms. */
  maxBackoffMillis?: number;
  /** Waits before a retry. Defaults to a timer that does not keep the process alive; tests inject one. */
  sleep?: (millis: number) => Promise<void>;
}

type DropReason = "queue full" | "export failed" | "processor shut down";

/**
 * Batches finished runs and hands them to an exporter off the traced code's path: `onEnd` only
 * queues (the queue is bounded: beyond `maxQueueSize` runs are dropped and counted); a timer that
 * never keeps the process alive exports full batches at once and partial ones after
 * `scheduledDelayMillis`, one export at a time. Retryable failures are retried with exponential
 * backoff, waiting at least what the server's `Retry-After` asked. Dropped runs are reported as one
 * warning per burst, with the exact count. Pending runs are flushed when the process is about to exit
 * (`beforeExit`) until `shutdown()`.
 *
 * @example
 * const processor = new BatchRunProcessor(new JsonlRunExporter(), { maxBatchSize: 50 });
 * processor.onEnd(run);
 * await processor.forceFlush();
 * processor.exportedCount; // 1
 */
export class BatchRunProcessor implements ExitFlushable {
  private readonly exporter: RunExporter;
  private readonly maxQueueSize: number;
  private readonly maxBatchSize: number;
  private readonly scheduledDelayMillis: number;
  private readonly maxRetries: number;
  private readonly initialBackoffMillis: number;
  private readonly maxBackoffMillis: number;
  private readonly sleep: (millis: number) => Promise<void>;
  private readonly unregisterExitFlush: () => void;
  private queue: Run[] = [];
  private accepted = 0;
  private settled = 0;
  private exported = 0;
  private dropped = 0;
  private readonly unreported = new Map<DropReason, { count: number; cause?: unknown }>();
  private timer: NodeJS.Timeout | undefined;
  private timerImmediate = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private exporting: Promise<void> | undefined;
  private exitFlushing = false;
  private reportScheduled = false;
  private shutDown: Promise<void> | undefined;

  constructor(exporter: RunExporter, options: BatchRunProcessorOptions = {}) {
    this.exporter = exporter;
    this.maxQueueSize = positive(options.maxQueueSize, 10_000);
    this.maxBatchSize = positive(options.maxBatchSize, 100);
    this.scheduledDelayMillis = nonNegative(options.scheduledDelayMillis, 500);
    this.maxRetries = nonNegative(options.maxRetries, 5);
    this.initialBackoffMillis = nonNegative(options.initialBackoffMillis, 500);
    this.maxBackoffMillis = nonNegative(options.maxBackoffMillis, 30_000);
    this.sleep = options.sleep ?? ((millis) => this.wait(millis));
    this.unregisterExitFlush = registerExitFlush(this);
  }

  /** Runs handed to the exporter successfully so far. */
  get exportedCount(): number {
    return this.exported;
  }

  /** Runs dropped so far: queue full, export failed for good, or received after shutdown. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Runs waiting to be exported (not counting a batch being exported). */
  get queueLength(): number {
    return this.queue.length;
  }

  /** Queues a finished run for export. Constant work; never throws, never waits. */
  onEnd(run: Run): void {
    if (this.shutDown !== undefined) {
      this.drop("processor shut down", 1);
      this.reportDropsSoon();
      return;
    }
    if (this.queue.length >= this.maxQueueSize) {
      this.drop("queue full", 1);
      return; // reported after the export that is already scheduled
    }
    this.queue.push(run);
    this.accepted++;
    this.schedule();
  }

  /** Settles when every run queued so far has been exported (or dropped). */
  async forceFlush(): Promise<void> {
    const target = this.accepted;
    while (this.settled < target) await (this.exporting ?? this.exportNow());
    this.reportDrops();
  }

  /**
   * Flushes, then shuts the exporter down. Runs that end afterwards are dropped (and counted). The
   * `beforeExit` hook is removed. Idempotent.
   */
  shutdown(): Promise<void> {
    this.shutDown ??= (async () => {
      this.unregisterExitFlush();
      await this.forceFlush();
      await this.exporter.shutdown?.();
    })();
    return this.shutDown;
  }

  /** @internal Called by the `beforeExit` hook: flush, keeping the process alive until done. */
  flushOnExit(): void {
    if (this.exitFlushing || (this.queue.length === 0 && this.exporting === undefined)) return;
    this.exitFlushing = true;
    this.retryTimer?.ref();
    void this.forceFlush().finally(() => {
      this.exitFlushing = false;
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
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.exportNow();
    }, full ? 0 : this.scheduledDelayMillis);
    this.timer.unref();
  }

  /** Exports queued batches (all full ones, or the one partial batch), then reschedules. */
  private exportNow(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.exporting ??= (async () => {
      do await this.exportBatch(this.queue.splice(0, this.maxBatchSize));
      while (this.queue.length >= this.maxBatchSize);
    })().finally(() => {
      this.exporting = undefined;
      this.reportDrops();
      this.schedule();
    });
    return this.exporting;
  }

  private async exportBatch(batch: Run[]): Promise<void> {
    if (batch.length === 0) return;
    // JSON-safety is paid here, in the background, not when the run ends.
    const runs = batch.map(toJsonSafeRun);
    for (let attempt = 0; ; attempt++) {
      const result = await this.tryExport(runs);
      if (result.code === "success") {
        this.exported += runs.length;
        break;
      }
      if (result.code === "failed" || attempt >= this.maxRetries) {
        this.drop("export failed", runs.length, result.error);
        break;
      }
      await this.sleep(this.retryDelay(attempt, result.retryAfterMillis));
    }
    this.settled += runs.length;
  }

  private async tryExport(runs: Run[]): Promise<ExportResult> {
    try {
      return await this.exporter.export(runs);
    } catch (error) {
      return { code: "failed", error };
    }
  }

  /** Exponential backoff with jitter, or what the server asked for, capped by `maxBackoffMillis`. */
  private retryDelay(attempt: number, retryAfterMillis: number | undefined): number {
    if (retryAfterMillis !== undefined) return Math.min(Math.max(retryAfterMillis, 0), this.maxBackoffMillis);
    const backoff = Math.min(this.initialBackoffMillis * 2 ** attempt, this.maxBackoffMillis);
    return backoff / 2 + (Math.random() * backoff) / 2;
  }

  private wait(millis: number): Promise<void> {
    return new Promise((resolve) => {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        resolve();
      }, millis);
      // A retry wait keeps the process alive only while the exit flush needs it.
      if (!this.exitFlushing) this.retryTimer.unref();
    });
  }

  private drop(reason: DropReason, count: number, cause?: unknown): void {
    this.dropped += count;
    const entry = this.unreported.get(reason);
    if (entry === undefined) this.unreported.set(reason, { count, cause });
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

  /** One warning per reason for everything dropped since the last report, with the exact count. */
  private reportDrops(): void {
    for (const [reason, { count, cause }] of this.unreported) {
      const detail = cause instanceof Error ? `: ${cause.message}` : cause === undefined ? "" : `: ${String(cause)}`;
      emitWarning("runs_dropped", `Dropped ${count} run${count === 1 ? "" : "s"} (${reason}${detail})`, cause);
    }
    this.unreported.clear();
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
