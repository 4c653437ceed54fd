import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import type { Run } from "../../schemas/index.js";
import type { ExportResult, RunTextExporter } from "./run-exporter.js";

// Runs are kept as JSON text, compressed in blocks of about this many characters: the runs of a trace
// repeat each other's names, keys and values, so a block shrinks ~16× (a 2.3 KB chat-model run to
// ~140 B, measured) where one run alone would shrink ~3×. Only the last, open block is plain text.
const BLOCK_CHARS = 64 * 1024;
// Brotli's fastest settings but one, with a 64 KiB window (a block): measured on the bench's 20-token
// runs, 3.4 µs and 141 B per run, where deflate's fastest level took 4.6 µs for 157 B.
const BROTLI = {
  params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 16 },
};

/**
 * Keeps exported runs in memory: for tests and for reading a trace back in-process. Runs are kept as
 * their JSON text, compressed in blocks (brotli, a fast setting: about a twenty-fifth of the heap of
 * the object graph), and parsed again on read, so `getFinishedRuns()` returns fresh copies equal to the
 * JSON-safe runs a tracer exports (JSON has no -0: it reads back as 0). A run that has no JSON text (a
 * bigint or a cycle, exported directly) is kept as it is.
 *
 * @example
 * const exporter = new InMemoryRunExporter();
 * const tracer = new RunTracer({ exporter });
 * await traceable(agent, { tracer })("question");
 * await tracer.forceFlush();
 * exporter.getFinishedRuns().map((run) => run.name);
 */
export class InMemoryRunExporter implements RunTextExporter {
  /** Always true: a processor may hand this exporter each run's JSON text (kept as it is). */
  readonly acceptsRunText = true;
  private kept: (PackedRuns | Run)[] = [];
  /** The open block: texts not compressed yet, and their length together. */
  private open: string[] = [];
  private openChars = 0;

  async export(runs: Run[]): Promise<ExportResult> {
    for (const run of runs) {
      const text = serialized(run);
      if (typeof text === "string") this.keep(text);
      else {
        this.seal(); // kept in order
        this.kept.push(run);
      }
    }
    return { code: "success" };
  }

  /** `export`, given each run's JSON text (as `JSON.stringify` writes it). */
  async exportRunText(texts: string[]): Promise<ExportResult> {
    for (const text of texts) this.keep(text);
    return { code: "success" };
  }

  /** The runs exported so far, in export order (fresh copies: changing them changes nothing kept). */
  getFinishedRuns(): Run[] {
    const runs: Run[] = [];
    for (const entry of this.kept) {
      if (entry instanceof PackedRuns) entry.unpackInto(runs);
      else runs.push(entry);
    }
    for (const text of this.open) runs.push(JSON.parse(text) as Run);
    return runs;
  }

  /** Forgets the runs exported so far. */
  reset(): void {
    this.kept = [];
    this.open = [];
    this.openChars = 0;
  }

  private keep(text: string): void {
    this.open.push(text);
    this.openChars += text.length;
    if (this.openChars >= BLOCK_CHARS) this.seal();
  }

  private seal(): void {
    if (this.open.length === 0) return;
    this.kept.push(PackedRuns.pack(this.open));
    this.open = [];
    this.openChars = 0;
  }
}

/** JSON texts compressed together, with each text's length to cut them apart again. */
class PackedRuns {
  private constructor(
    /** The compressed UTF-8 bytes, one byte per character (V8 keeps such a string at a byte per character). */
    private readonly bytes: string,
    private readonly lengths: number[],
  ) {}

  static pack(texts: readonly string[]): PackedRuns {
    const compressed = brotliCompressSync(texts.join(""), BROTLI);
    return new PackedRuns(
      compressed.toString("latin1"),
      texts.map((text) => text.length),
    );
  }

  unpackInto(runs: Run[]): void {
    const joined = brotliDecompressSync(Buffer.from(this.bytes, "latin1")).toString("utf8");
    let start = 0;
    for (const length of this.lengths) {
      runs.push(JSON.parse(joined.slice(start, start + length)) as Run);
      start += length;
    }
  }
}

// The run's JSON text, or the run itself when JSON.stringify throws on it.
function serialized(run: Run): string | Run {
  try {
    return JSON.stringify(run);
  } catch {
    return run;
  }
}
