import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from "node:fs";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Run } from "../../schemas/index.js";
import { APPEND, PRIVATE_FILE_MODE } from "./private-files.js";
import type { ExportResult, RunTextExporter } from "./run-exporter.js";
import { RunPrivacy, type RunPrivacyOptions } from "./run-privacy.js";

/** The file runs go to when neither the option nor `RUNLEDGER_TRACES_FILE` names one. */
export const DEFAULT_TRACES_FILE = "runledger-traces.jsonl";

/** Options of `JsonlRunExporter`; `hideInputs` / `hideOutputs` default to `LANGSMITH_HIDE_*`. */
export interface JsonlRunExporterOptions extends RunPrivacyOptions {
  /** The file to append to; default `RUNLEDGER_TRACES_FILE`, else `runledger-traces.jsonl` (cwd). */
  path?: string;
  /** Permissions of the file when this exporter creates it. Default 0o600 (runs carry prompts and outputs). */
  fileMode?: number;
}

// The synchronous path's bytes buffer is kept for the next batch up to this size (a batch of huge runs
// must not pin its memory); at least this much is allocated, so it never comes from Buffer's shared pool.
const KEEP_SYNC_BYTES = 1 << 20;
const MIN_SYNC_BYTES = 1 << 16;

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
export class JsonlRunExporter implements RunTextExporter {
  readonly path: string;
  private readonly fileMode: number;
  private readonly privacy: RunPrivacy;
  private directoryReady: Promise<unknown> | undefined;
  /** Reused by the synchronous path for each batch's bytes (an async write in flight has its own). */
  private syncBytes: Buffer | undefined;

  constructor(options: JsonlRunExporterOptions = {}) {
    this.path = resolve(options.path ?? (process.env.RUNLEDGER_TRACES_FILE || DEFAULT_TRACES_FILE));
    this.fileMode = options.fileMode ?? PRIVATE_FILE_MODE;
    this.privacy = new RunPrivacy(options);
  }

  /** True unless this exporter hides inputs or outputs itself: a processor may then hand it each run's JSON text. */
  get acceptsRunText(): boolean {
    return this.privacy.hidesNothing;
  }

  export(runs: Run[]): Promise<ExportResult> {
    return this.append(runs.length, () => this.lines(runs));
  }

  /** `export`, given each run's JSON text (written as they are: a `BatchRunProcessor` prepared them). */
  exportRunText(texts: string[]): Promise<ExportResult> {
    return this.append(texts.length, () => textLines(texts, Buffer.allocUnsafe(linesSize(texts))));
  }

  private async append(count: number, data: () => Buffer): Promise<ExportResult> {
    if (count === 0) return { code: "success" };
    try {
      const lines = data();
      this.directoryReady ??= mkdir(dirname(this.path), { recursive: true });
      await this.directoryReady;
      await appendOnce(this.path, lines, this.fileMode);
      return { code: "success" };
    } catch (error) {
      this.directoryReady = undefined; // the directory may have been removed: create it again next time
      return failure(error);
    }
  }

  /** `export`, synchronously: the runs still queued when the process exits are written, not lost. */
  exportSync(runs: Run[]): ExportResult {
    return this.appendSync(runs.length, () => this.syncLines(runs.map((run) => this.privacy.serialize(run))));
  }

  /** `exportSync`, given each run's JSON text. */
  exportRunTextSync(texts: string[]): ExportResult {
    return this.appendSync(texts.length, () => this.syncLines(texts));
  }

  private appendSync(count: number, data: () => Buffer): ExportResult {
    if (count === 0) return { code: "success" };
    try {
      const lines = data();
      try {
        appendOnceSync(this.path, lines, this.fileMode);
      } catch (error) {
        // The directory is made when the file cannot be opened for want of it, not before every batch
        // (a syscall per batch of a producer that writes its own batches): missing, or removed since.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        mkdirSync(dirname(this.path), { recursive: true });
        appendOnceSync(this.path, lines, this.fileMode);
      }
      return { code: "success" };
    } catch (error) {
      return failure(error);
    }
  }

  private lines(runs: Run[]): Buffer {
    const texts = runs.map((run) => this.privacy.serialize(run));
    return textLines(texts, Buffer.allocUnsafe(linesSize(texts)));
  }

  private syncLines(texts: readonly string[]): Buffer {
    // A kept buffer that holds the texts' largest possible UTF-8 size takes them without first
    // measuring each (a second pass over every character); only a larger batch is measured exactly.
    const bound = linesBound(texts);
    let bytes = this.syncBytes;
    if (bytes !== undefined && bytes.length >= bound) return textLines(texts, bytes);
    const size = bound <= KEEP_SYNC_BYTES ? bound : linesSize(texts);
    if (bytes === undefined || bytes.length < size) {
      bytes = Buffer.allocUnsafe(Math.max(size, MIN_SYNC_BYTES));
      if (bytes.length <= KEEP_SYNC_BYTES) this.syncBytes = bytes;
    }
    return textLines(texts, bytes);
  }
}

/** The largest UTF-8 size the texts can have as lines: 3 bytes per UTF-16 code unit at most. */
function linesBound(texts: readonly string[]): number {
  let bound = texts.length;
  for (const text of texts) bound += 3 * text.length;
  return bound;
}

/** The UTF-8 size of the texts as lines. */
function linesSize(texts: readonly string[]): number {
  let size = texts.length;
  for (const text of texts) size += Buffer.byteLength(text);
  return size;
}

// The texts as lines, encoded straight into `bytes` (at least `linesSize` long): no joined string and no
// Buffer copy of it per batch. The result covers exactly the bytes written.
function textLines(texts: readonly string[], bytes: Buffer): Buffer {
  let offset = 0;
  for (const text of texts) {
    offset += bytes.write(text, offset);
    bytes[offset++] = 0x0a;
  }
  return bytes.subarray(0, offset);
}

function failure(error: unknown): ExportResult {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && TRANSIENT.has(code) ? { code: "retryable", error } : { code: "failed", error };
}

/**
 * One write per batch; a regular file write only returns short on errors, then the rest follows.
 * When the disk fills (or a size limit is reached) part way, the part written is rolled back, so no
 * line is ever cut short and the next batch never glues onto one; if another process appended
 * meanwhile, the cut line is ended instead (it reads as one bad line, reported, never a lost run).
 */
async function appendOnce(path: string, data: Buffer, mode: number): Promise<void> {
  const handle = await open(path, APPEND, mode);
  let offset = 0;
  let start = 0;
  try {
    start = (await handle.stat()).size;
    while (offset < data.length) {
      const { bytesWritten } = await handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
  } catch (error) {
    if (offset > 0) await undoPartial(handle, start, offset);
    throw error;
  } finally {
    await handle.close();
  }
}

async function undoPartial(handle: FileHandle, start: number, written: number): Promise<void> {
  try {
    if ((await handle.stat()).size === start + written) await handle.truncate(start);
    else await handle.write("\n");
  } catch {
    // Nothing more can be done with this file now; the batch is reported failed either way.
  }
}

/** `appendOnce`, synchronously (the process's `exit` hook): same file mode, same rollback of a partial line. */
function appendOnceSync(path: string, data: Buffer, mode: number): void {
  const fd = openSync(path, APPEND, mode);
  let offset = 0;
  let start = 0;
  try {
    start = fstatSync(fd).size;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
  } catch (error) {
    if (offset > 0) undoPartialSync(fd, start, offset);
    throw error;
  } finally {
    closeSync(fd);
  }
}

function undoPartialSync(fd: number, start: number, written: number): void {
  try {
    if (fstatSync(fd).size === start + written) ftruncateSync(fd, start);
    else writeSync(fd, "\n");
  } catch {
    // As in undoPartial: the batch is reported failed either way.
  }
}
