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
import { closest, terminalSafe } from "./format.js";
import { buildReport, groupKey } from "./report.js";
import { renderTextReport } from "./text-report.js";
import { VERSION } from "./version.js";
import { RunledgerError } from "../../callbacks/runledger-error.js";

/** The streams and clock the CLI uses (process.stdout/stderr in the bin; fakes in tests). */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  /** Read when the file is "-" (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  now?: () => number;
}

const USAGE = `Usage: runledger <command> [options]

Commands:
  report <traces.jsonl | ->     run trees (newest traces first) and the per-model usage and cost table
  html <traces.jsonl | -> -o <report.html>
                                the same as one self-contained HTML page
  replay <spool-dir>            re-send the runs a tracer spooled
  help [command]                this help, or a command's

Options:
  -h, --help                    help (after a command: that command's help)
  -v, --version                 the version of runledger

A file of "-" is read from standard input.
`;

const FILTERS = `Filters:
  --since <time|duration>   runs started at or after an ISO time, or within a duration (30m, 2h, 7d)
  --model <name>            runs of this model (dated and prefixed names match their base)
  --trace <id>              runs of this trace
  --limit <n>               trace trees drawn, newest first (default 20; totals always cover every run)
  --group-by metadata.<key> usage and cost per value of a run metadata key (user_id, feature, …);
                            repeat for more dimensions; calls without the key are shown as (none)
  --max-runs-per-trace <n>  runs drawn per trace (default 5000)
`;

const COMMAND_HELP: Record<Command, string> = {
  report: `Usage: runledger report <traces.jsonl | -> [--json] [filters]

Prints each trace as a tree (newest first) and the usage and cost per model. Costs estimated from the
price table are marked "~". Malformed lines are reported on stderr and skipped; the exit code is 1
when nothing valid was read.

  --json                    the same data as JSON (exact costs; runs as a flat list with depth)
${FILTERS}`,
  html: `Usage: runledger html <traces.jsonl | -> -o <report.html> [filters]

Writes one self-contained page: a waterfall per trace (newest first), run details on click, usage
and cost per model.

  -o, --output <file>       where the page is written (required)
${FILTERS}`,
  replay: `Usage: runledger replay <spool-dir> [--to <traces.jsonl>]

Re-sends the runs a tracer spooled (spoolDir) and deletes each spool file once its runs were
accepted: to the JSONL file --to names, else to LangSmith when LANGSMITH_API_KEY is set (with
LANGSMITH_ENDPOINT and LANGSMITH_PROJECT), else to RUNLEDGER_TRACES_FILE. A file that cannot be read
is reported and kept; the others are still replayed.

  --to <file>               where the runs are appended (JSON Lines)
`,
};

type Command = "report" | "html" | "replay";
const COMMANDS: readonly Command[] = ["report", "html", "replay"];

const OPTIONS = {
  json: { type: "boolean" },
  since: { type: "string" },
  model: { type: "string" },
  trace: { type: "string" },
  limit: { type: "string" },
  "group-by": { type: "string", multiple: true },
  "max-traces": { type: "string" },
  "max-runs-per-trace": { type: "string" },
  output: { type: "string", short: "o" },
  to: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

const MAX_PRINTED_PROBLEMS = 100;

/**
 * Runs the `runledger` command line and resolves to its exit code: 0 done, 1 the input or
 * output failed (or held no valid run), 2 bad arguments. Malformed lines are reported on stderr and
 * skipped. Everything printed from a trace file is made terminal-safe.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.stderr.write(`runledger: ${argumentError(error)}\nRun "runledger help" for usage.\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.version) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [first, ...restPositionals] = positionals;
  if (first === "help") {
    const topic = restPositionals[0];
    io.stdout.write(isCommand(topic) ? COMMAND_HELP[topic] : USAGE);
    return 0;
  }
  if (first === undefined) {
    (values.help ? io.stdout : io.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  if (!isCommand(first)) {
    const hint = closest(first, [...COMMANDS, "help"]);
    io.stderr.write(
      `runledger: unknown command "${terminalSafe(first)}"${hint ? ` (did you mean "${hint}"?)` : ""}\nRun "runledger help" for usage.\n`,
    );
    return 2;
  }
  const command = first;
  if (values.help) {
    io.stdout.write(COMMAND_HELP[command]);
    return 0;
  }
  const [file, ...rest] = restPositionals;
  if (file === undefined || rest.length > 0) {
    io.stderr.write(
      `runledger: ${command} takes one ${command === "replay" ? "directory" : "file"}\n\n${COMMAND_HELP[command]}`,
    );
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
      maxTraces: positiveInt(values.limit ?? values["max-traces"], values.limit ? "--limit" : "--max-traces", 20),
      maxRunsPerTrace: positiveInt(values["max-runs-per-trace"], "--max-runs-per-trace", 5000),
    };
  } catch (error) {
    io.stderr.write(`runledger: ${describeValue(error)}\n`);
    return 2;
  }

  const fromStdin = file === "-";
  const shownFile = fromStdin ? "<stdin>" : terminalSafe(file);
  let size = 0;
  if (!fromStdin) {
    let problem: string | undefined;
    try {
      const info = statSync(file);
      if (info.isDirectory()) problem = "it is a directory, not a JSONL file";
      size = info.size;
    } catch (error) {
      problem = describeValue(error);
    }
    if (problem !== undefined) {
      io.stderr.write(`runledger: cannot read ${shownFile}: ${terminalSafe(problem)}\n`);
      return 1;
    }
  }
  const progress = createProgress(io.stderr, size, io.now);
  let printed = 0;
  // On a terminal, a problem first clears the progress line it interrupts.
  const clear = io.stderr.isTTY ? "\r\u001b[2K" : "";
  try {
    const report = await buildReport(file, {
      filter,
      ...limits,
      ...(fromStdin ? { input: io.stdin ?? process.stdin } : {}),
      groupBy,
      onProblem: (problem) => {
        if (printed++ < MAX_PRINTED_PROBLEMS) {
          io.stderr.write(`${clear}${shownFile}:${problem.line}: ${terminalSafe(problem.message)}\n`);
        } else if (printed === MAX_PRINTED_PROBLEMS + 1) io.stderr.write("… further problems not printed\n");
      },
      onProgress: (reader) => progress.update(reader.bytesRead, reader.linesRead),
    });
    progress.done();
    if (report.runsRead === 0 && report.problemCount > 0) {
      io.stderr.write(`runledger: no valid run in ${shownFile} (${report.problemCount} malformed line(s))\n`);
      return 1;
    }
    if (command === "html") {
      const output = values.output ?? "";
      writeFileSync(output, renderHtmlReport(report));
      io.stderr.write(`wrote ${terminalSafe(output)}: ${report.traces.length} trace(s), ${report.runs} run(s)\n`);
    } else if (values.json) {
      io.stdout.write(`${JSON.stringify(toJsonReport(report), null, 2)}\n`);
    } else {
      io.stdout.write(renderTextReport(report, { color: Boolean(io.stdout.isTTY) && !process.env.NO_COLOR }));
    }
    return 0;
  } catch (error) {
    progress.done();
    io.stderr.write(`runledger: ${terminalSafe(describeValue(error))}\n`);
    return 1;
  }
}

function isCommand(value: string | undefined): value is Command {
  return (COMMANDS as readonly (string | undefined)[]).includes(value);
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
}

/** parseArgs' error, in our words, with a "did you mean" for an unknown option. */
function argumentError(error: unknown): string {
  const code = (error as { code?: string }).code;
  const option = /'(-{1,2}[^']*)'/.exec(describeValue(error))?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option !== undefined) {
    const names = Object.keys(OPTIONS).map((name) => `--${name}`);
    const hint = closest(option.replace(/=.*$/, ""), names);
    return `unknown option ${terminalSafe(option)}${hint ? ` (did you mean ${hint}?)` : ""}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option !== undefined) {
    return `option ${terminalSafe(option)} needs a value`;
  }
  return terminalSafe(describeValue(error));
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

function buildFilter(
  values: { since?: string | undefined; model?: string | undefined; trace?: string | undefined },
  now: number,
): RunFilter {
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
