import { describeValue } from "../../callbacks/describe-value.js";
import { statSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { JsonlRunExporter } from "../export/jsonl-run-exporter.js";
import { resolveLangSmithConfig } from "../export/langsmith-config.js";
import { LangSmithRunExporter } from "../export/langsmith-run-exporter.js";
import { replaySpool } from "../export/replay.js";
import type { RunExporter } from "../export/run-exporter.js";
import { parseSince, type RunFilter } from "./filters.js";
import { renderHtmlReport } from "./html.js";
import { toJsonReport } from "./json-report.js";
import { createProgress, type ProgressStream } from "./progress.js";
import { buildReport, groupKey } from "./report.js";
import { renderTextReport } from "./text-report.js";
import { RunledgerError } from "../../callbacks/runledger-error.js";

/** The streams and clock the CLI uses (process.stdout/stderr in the bin; fakes in tests). */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  now?: () => number;
}

const USAGE = `Usage:
  runledger report <traces.jsonl> [--json] [--group-by metadata.<key>]... [filters]
  runledger html <traces.jsonl> -o <report.html> [--group-by metadata.<key>]... [filters]
  runledger replay <spool-dir> [--to <traces.jsonl>]

Replay re-sends the runs a tracer spooled (spoolDir) and deletes each spool file once its runs were
accepted: to the JSONL file --to names, else to LangSmith when LANGSMITH_API_KEY is set (with
LANGSMITH_ENDPOINT and LANGSMITH_PROJECT), else to RUNLEDGER_TRACES_FILE.

Filters:
  --since <time|duration>   runs started at or after an ISO time, or within a duration (30m, 2h, 7d)
  --model <name>            runs of this model (dated and prefixed names match their base)
  --trace <id>              runs of this trace

Options:
  --group-by metadata.<key> usage and cost per value of a run metadata key (user_id, feature, …);
                            repeat for more dimensions; calls without the key are shown as (none)
  --max-traces <n>          trace trees drawn (default 20; totals always cover every run)
  --max-runs-per-trace <n>  runs drawn per trace (default 5000)
  -o, --output <file>       where html writes the page
  --to <file>               where replay appends the runs (JSON Lines)
  -h, --help                this help
`;

const MAX_PRINTED_PROBLEMS = 100;

/**
 * Runs the `runledger` command line and resolves to its exit code: 0 done, 1 the input or
 * output failed, 2 bad arguments. Malformed lines are reported on stderr and skipped.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.stderr.write(`runledger: ${describeValue(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  const [command, file, ...rest] = positionals;
  if (values.help || command === undefined) {
    (values.help ? io.stdout : io.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  if ((command !== "report" && command !== "html" && command !== "replay") || file === undefined || rest.length > 0) {
    io.stderr.write(`runledger: expected "report <file>", "html <file> -o <out>" or "replay <dir>"\n\n${USAGE}`);
    return 2;
  }
  if (command === "replay") return replay(file, values.to, io);
  if (command === "html" && values.output === undefined) {
    io.stderr.write("runledger: html needs -o <report.html>\n");
    return 2;
  }
  let filter: RunFilter;
  let limits: { maxTraces: number; maxRunsPerTrace: number };
  const groupBy = values["group-by"] ?? [];
  try {
    for (const dimension of groupBy) groupKey(dimension);
    filter = buildFilter(values, io.now?.() ?? Date.now());
    limits = {
      maxTraces: positiveInt(values["max-traces"], "--max-traces", 20),
      maxRunsPerTrace: positiveInt(values["max-runs-per-trace"], "--max-runs-per-trace", 5000),
    };
  } catch (error) {
    io.stderr.write(`runledger: ${describeValue(error)}\n`);
    return 2;
  }

  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    io.stderr.write(`runledger: cannot read ${file}: ${describeValue(error)}\n`);
    return 1;
  }
  const progress = createProgress(io.stderr, size, io.now);
  let printed = 0;
  // On a terminal, a problem first clears the progress line it interrupts.
  const clear = io.stderr.isTTY ? "\r\u001b[2K" : "";
  try {
    const report = await buildReport(file, {
      filter,
      ...limits,
      groupBy,
      onProblem: (problem) => {
        if (printed++ < MAX_PRINTED_PROBLEMS) io.stderr.write(`${clear}${file}:${problem.line}: ${problem.message}\n`);
        else if (printed === MAX_PRINTED_PROBLEMS + 1) io.stderr.write("… further problems not printed\n");
      },
      onProgress: (reader) => progress.update(reader.bytesRead, reader.linesRead),
    });
    progress.done();
    if (command === "html") {
      const output = values.output ?? "";
      writeFileSync(output, renderHtmlReport(report));
      io.stderr.write(`wrote ${output}: ${report.traces.length} trace(s), ${report.runs} run(s)\n`);
    } else if (values.json) {
      io.stdout.write(`${JSON.stringify(toJsonReport(report), null, 2)}\n`);
    } else {
      io.stdout.write(renderTextReport(report, { color: Boolean(io.stdout.isTTY) && !process.env.NO_COLOR }));
    }
    return 0;
  } catch (error) {
    progress.done();
    io.stderr.write(`runledger: ${describeValue(error)}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean" },
      since: { type: "string" },
      model: { type: "string" },
      trace: { type: "string" },
      "group-by": { type: "string", multiple: true },
      "max-traces": { type: "string" },
      "max-runs-per-trace": { type: "string" },
      output: { type: "string", short: "o" },
      to: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** `runledger replay <dir>`: 0 when the spool is empty afterwards, 1 when runs are left, 2 with nowhere to send them. */
async function replay(dir: string, to: string | undefined, io: CliIo): Promise<number> {
  const target = replayTarget(to);
  if (target === undefined) {
    io.stderr.write("runledger: replay needs --to <file>, LANGSMITH_API_KEY (LangSmith) or RUNLEDGER_TRACES_FILE\n");
    return 2;
  }
  try {
    const result = await replaySpool(dir, target.exporter, {
      onProblem: (problem) =>
        io.stderr.write(`${dir}/${problem.file}:${problem.line}: ${problem.message} (set aside, not replayed)\n`),
    });
    io.stderr.write(`replayed ${result.replayed} run(s) from ${result.files} spool file(s) to ${target.name}\n`);
    if (result.remaining === 0) return 0;
    io.stderr.write(`runledger: ${result.remaining} run(s) left in ${dir}: ${describeValue(result.error)}\n`);
    return 1;
  } catch (error) {
    io.stderr.write(`runledger: cannot replay ${dir}: ${describeValue(error)}\n`);
    return 1;
  }
}

function replayTarget(to: string | undefined): { exporter: RunExporter; name: string } | undefined {
  if (to !== undefined) return { exporter: new JsonlRunExporter({ path: to }), name: to };
  const langsmith = resolveLangSmithConfig();
  if (langsmith.apiKey !== undefined) {
    return {
      exporter: new LangSmithRunExporter(),
      name: `LangSmith (${langsmith.apiUrl}, project ${langsmith.projectName})`,
    };
  }
  const file = process.env.RUNLEDGER_TRACES_FILE;
  return file ? { exporter: new JsonlRunExporter({ path: file }), name: file } : undefined;
}

function buildFilter(values: { since?: string; model?: string; trace?: string }, now: number): RunFilter {
  const filter: RunFilter = {};
  if (values.since !== undefined) filter.since = parseSince(values.since, now);
  if (values.model !== undefined) filter.model = values.model;
  if (values.trace !== undefined) filter.trace = values.trace.trim();
  return filter;
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1)
    throw new RunledgerError("invalid_argument", `${name}: "${value}" is not a positive integer`);
  return number;
}
