import { describeValue } from "../../callbacks/describe-value.js";
import { createReadStream } from "node:fs";
import { RunSchema, type Run } from "../../schemas/index.js";
import { describeIssues } from "../shared/describe-issues.js";

/** A line of a JSONL file that could not be used, and why. Line numbers start at 1. */
export interface LineProblem {
  line: number;
  message: string;
}

/** A run read from a JSONL file, with the number of the line it was on. */
export interface RunLine {
  run: Run;
  line: number;
}

/** Options of `readRuns`. */
export interface ReadRunsOptions {
  /** Called for each malformed line (bad JSON, not a run, too long); the read goes on. */
  onProblem?: (problem: LineProblem) => void;
  /** Lines longer than this many bytes are skipped as problems (default 64 MiB). */
  maxLineBytes?: number;
  /** Size of the chunks read from the file (default 64 KiB). */
  chunkBytes?: number;
}

const NEWLINE = 0x0a;

/**
 * Reads Run records from a JSONL file as a stream: one chunk is in memory at a time (plus the
 * current partial line), and the next chunk is read only when the consumer asks for more runs.
 * `bytesRead`, `linesRead` and `problemCount` tell how far the read has got.
 *
 * @example
 * const reader = readRuns("runledger-traces.jsonl", {
 *   onProblem: (p) => console.error(`line ${p.line}: ${p.message}`),
 * });
 * for await (const { run, line } of reader) console.log(line, run.name);
 */
export class RunReader implements AsyncIterable<RunLine> {
  readonly path: string;
  private _bytesRead = 0;
  private _linesRead = 0;
  private _problemCount = 0;
  private readonly options: ReadRunsOptions;

  constructor(path: string, options: ReadRunsOptions = {}) {
    this.path = path;
    this.options = options;
  }

  /** Bytes consumed from the file so far. */
  get bytesRead(): number {
    return this._bytesRead;
  }

  /** Lines (complete or final) handed out or rejected so far. */
  get linesRead(): number {
    return this._linesRead;
  }

  /** Malformed lines met so far. */
  get problemCount(): number {
    return this._problemCount;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RunLine> {
    const maxLineBytes = this.options.maxLineBytes ?? 64 * 1024 * 1024;
    const stream = createReadStream(this.path, { highWaterMark: this.options.chunkBytes ?? 64 * 1024 });
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let oversized = false;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        this._bytesRead += chunk.length;
        let start = 0;
        for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
          const piece = chunk.subarray(start, end);
          start = end + 1;
          const line = oversized ? undefined : pendingBytes === 0 ? piece : Buffer.concat([...pending, piece]);
          const lineTooLong = oversized || pendingBytes + piece.length > maxLineBytes;
          pending = [];
          pendingBytes = 0;
          oversized = false;
          const result = this.take(lineTooLong ? undefined : line, maxLineBytes);
          if (result) yield result;
        }
        if (start < chunk.length && !oversized) {
          const rest = chunk.subarray(start);
          // Copy: the stream may reuse the chunk's memory once we move on.
          pending.push(Buffer.from(rest));
          pendingBytes += rest.length;
          if (pendingBytes > maxLineBytes) {
            oversized = true; // keep skipping until the next newline
            pending = [];
            pendingBytes = 0;
          }
        }
      }
      if (pendingBytes > 0 || oversized) {
        const result = this.take(oversized ? undefined : Buffer.concat(pending), maxLineBytes);
        if (result) yield result;
      }
    } finally {
      stream.destroy();
    }
  }

  private take(bytes: Buffer | undefined, maxLineBytes: number): RunLine | undefined {
    const line = ++this._linesRead;
    if (bytes === undefined) {
      this.problem(line, `longer than ${maxLineBytes} bytes, skipped`);
      return undefined;
    }
    const text = bytes.toString("utf8").trim();
    if (text.length === 0) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.problem(line, `invalid JSON: ${describeValue(error)}`);
      return undefined;
    }
    const parsed = RunSchema.safeParse(value);
    if (!parsed.success) {
      this.problem(line, `not a run: ${describeIssues(parsed.error.issues)}`);
      return undefined;
    }
    return { run: parsed.data, line };
  }

  private problem(line: number, message: string): void {
    this._problemCount++;
    this.options.onProblem?.({ line, message });
  }
}

/**
 * Streams the Run records of a JSONL file (see `RunReader`).
 *
 * @example
 * for await (const { run } of readRuns("traces.jsonl")) total += run.total_tokens ?? 0;
 */
export function readRuns(path: string, options?: ReadRunsOptions): RunReader {
  return new RunReader(path, options);
}
