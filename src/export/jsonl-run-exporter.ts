import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Run } from "../../schemas/index.js";
import type { ExportResult, RunExporter } from "./run-exporter.js";
import { RunPrivacy, type RunPrivacyOptions } from "./run-privacy.js";

/** The file runs go to when neither the option nor `RUNLEDGER_TRACES_FILE` names one. */
export const DEFAULT_TRACES_FILE = "runledger-traces.jsonl";

/** Options of `JsonlRunExporter`; `hideInputs` / `hideOutputs` default to `LANGSMITH_HIDE_*`. */
export interface JsonlRunExporterOptions extends RunPrivacyOptions {
  /** The file to append to; default `RUNLEDGER_TRACES_FILE`, else `runledger-traces.jsonl` (cwd). */
  path?: string;
}

// Errors after which the same write may well succeed a little later.
const TRANSIENT = new Set(["EAGAIN", "EBUSY", "EMFILE", "ENFILE", "EINTR"]);

/**
 * Appends runs to a JSON Lines file, one run per line: the embedded default exporter, read back by
 * `runledger report` / `runledger html`. Each batch is one write to a file opened with O_APPEND, so
 * exporters in several processes (or several in one) can share a file without interleaving partial
 * lines. The directory is created when missing. Credentials are masked and inputs / outputs hidden
 * as the options say before anything is written (see `RunPrivacy`).
 *
 * @example
 * const tracer = new RunTracer({ exporter: new JsonlRunExporter({ path: "traces/today.jsonl" }) });
 */
export class JsonlRunExporter implements RunExporter {
  readonly path: string;
  private readonly privacy: RunPrivacy;
  private directoryReady: Promise<unknown> | undefined;

  constructor(options: JsonlRunExporterOptions = {}) {
    this.path = resolve(options.path ?? (process.env.RUNLEDGER_TRACES_FILE || DEFAULT_TRACES_FILE));
    this.privacy = new RunPrivacy(options);
  }

  async export(runs: Run[]): Promise<ExportResult> {
    if (runs.length === 0) return { code: "success" };
    try {
      const data = this.lines(runs);
      this.directoryReady ??= mkdir(dirname(this.path), { recursive: true });
      await this.directoryReady;
      await appendOnce(this.path, data);
      return { code: "success" };
    } catch (error) {
      this.directoryReady = undefined; // the directory may have been removed: create it again next time
      return failure(error);
    }
  }

  /** `export`, synchronously: the runs still queued when the process exits are written, not lost. */
  exportSync(runs: Run[]): ExportResult {
    if (runs.length === 0) return { code: "success" };
    try {
      const data = this.lines(runs);
      mkdirSync(dirname(this.path), { recursive: true });
      const fd = openSync(this.path, "a");
      try {
        for (let offset = 0; offset < data.length;) offset += writeSync(fd, data, offset, data.length - offset);
      } finally {
        closeSync(fd);
      }
      return { code: "success" };
    } catch (error) {
      return failure(error);
    }
  }

  private lines(runs: Run[]): Buffer {
    return Buffer.from(`${runs.map((run) => JSON.stringify(this.privacy.prepare(run))).join("\n")}\n`);
  }
}

function failure(error: unknown): ExportResult {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && TRANSIENT.has(code) ? { code: "retryable", error } : { code: "failed", error };
}

/** One write per batch; a regular file write only returns short on errors, then the rest follows. */
async function appendOnce(path: string, data: Buffer): Promise<void> {
  const handle = await open(path, "a");
  try {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
  } finally {
    await handle.close();
  }
}
