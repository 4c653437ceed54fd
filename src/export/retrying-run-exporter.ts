import type { Run } from "../../schemas/index.js";
import { acceptsRunText, type ExportResult, type RunExporter } from "./run-exporter.js";

/** Options of `RetryingRunExporter`; every field has a default. */
export interface RetryOptions {
  /** Retries of a batch whose export failed in a retryable way. Default 5. */
  maxRetries?: number;
  /** First backoff; it doubles with each retry (with jitter). Default 500 ms. */
  initialBackoffMillis?: number;
  /** Upper bound of one wait, `Retry-After` included. Default 30,000 ms. */
  maxBackoffMillis?: number;
  /** Waits before a retry. Defaults to a timer that does not keep the process alive; tests inject one. */
  sleep?: (millis: number) => Promise<void>;
}

/**
 * Retries an exporter's retryable failures with exponential backoff and jitter, waiting at least what
 * the server's `Retry-After` asked (capped by `maxBackoffMillis`). An exporter that throws counts as a
 * `failed` export. Kept apart from batching, as OpenTelemetry JS keeps its retrying transport apart
 * from its batch processor: `BatchRunProcessor` and `replaySpool` both export through it.
 *
 * @example
 * const exporter = new RetryingRunExporter(new LangSmithRunExporter(), { maxRetries: 3 });
 * await exporter.export(runs); // { code: "success" } after up to 3 retries
 */
export class RetryingRunExporter implements RunExporter {
  private readonly exporter: RunExporter;
  private readonly maxRetries: number;
  private readonly initialBackoffMillis: number;
  private readonly maxBackoffMillis: number;
  private readonly sleep: (millis: number) => Promise<void>;
  private waitTimer: NodeJS.Timeout | undefined;
  private holdsProcess = false;
  private stopped = false;
  /** Settles when `stopRetrying()` is called: a wait in progress ends at once. */
  private readonly stoppedSignal: Promise<void>;
  private stopNow: () => void = noop;

  constructor(exporter: RunExporter, options: RetryOptions = {}) {
    this.exporter = exporter;
    this.maxRetries = nonNegative(options.maxRetries, 5);
    this.initialBackoffMillis = nonNegative(options.initialBackoffMillis, 500);
    this.maxBackoffMillis = nonNegative(options.maxBackoffMillis, 30_000);
    this.sleep = options.sleep ?? ((millis) => this.wait(millis));
    this.stoppedSignal = new Promise((resolve) => (this.stopNow = resolve));
  }

  /** Exports `runs`, retrying retryable failures; resolves to the last attempt's result. Never rejects. */
  export(runs: Run[]): Promise<ExportResult> {
    return this.retried(() => this.exporter.export(runs));
  }

  /** `export` of runs as their JSON text, through the wrapped exporter's `exportRunText`. */
  exportRunText(texts: string[]): Promise<ExportResult> {
    const exporter = this.exporter;
    if (!acceptsRunText(exporter))
      return Promise.resolve({ code: "failed", error: new TypeError("takes no run text") });
    return this.retried(() => exporter.exportRunText(texts));
  }

  private async retried(exportOnce: () => Promise<ExportResult>): Promise<ExportResult> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(exportOnce);
      if (result.code !== "retryable" || attempt >= this.maxRetries || this.stopped) return result;
      await Promise.race([this.sleep(this.retryDelay(attempt, result.retryAfterMillis)), this.stoppedSignal]);
      if (this.stopped) return result;
    }
  }

  /** Shuts the wrapped exporter down. */
  async shutdown(): Promise<void> {
    await this.exporter.shutdown?.();
  }

  /**
   * @internal Whether the default retry wait keeps the process alive: off by default (a pending retry
   * must not hold an app open), on while an exit flush or a shutdown needs the export to finish.
   */
  keepProcessAlive(keep: boolean): void {
    this.holdsProcess = keep;
    if (keep) this.waitTimer?.ref();
  }

  /** @internal Ends the retry wait in progress and every later one: the caller gave up (a deadline passed). */
  stopRetrying(): void {
    this.stopped = true;
    this.stopNow();
    clearTimeout(this.waitTimer); // the wait it times is over: it must not keep the process alive
    this.waitTimer = undefined;
  }

  private async attempt(exportOnce: () => Promise<ExportResult>): Promise<ExportResult> {
    try {
      return await exportOnce();
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
      this.waitTimer = setTimeout(() => {
        this.waitTimer = undefined;
        resolve();
      }, millis);
      if (!this.holdsProcess) this.waitTimer.unref();
    });
  }
}

function noop(): void {}

/** `value` when it is a finite number ≥ 0, else `fallback`. */
export function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
