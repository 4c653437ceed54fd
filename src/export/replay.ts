import { describeValue } from "../../callbacks/describe-value.js";
import { randomBytes } from "node:crypto";
import { readdir, rename, unlink, writeFile } from "node:fs/promises";
import { emitWarning } from "../../callbacks/warnings.js";
import { dirname, join } from "node:path";
import { RunSchema, type Run } from "../../schemas/index.js";
import { describeIssues } from "../shared/describe-issues.js";
import { RetryingRunExporter, type RetryOptions } from "./retrying-run-exporter.js";
import type { RunExporter } from "./run-exporter.js";
import { APPEND, openRegular, PRIVATE_FILE_MODE, READ, unsafeDirectory } from "./private-files.js";
import { SPOOL_FILE } from "./spool.js";

/** Options of `replaySpool`. */
export interface ReplayOptions extends RetryOptions {
  /** Runs per `export` call. Default 100. */
  batchSize?: number;
  /** Called for each spool line that is not a run (it is set aside in a `rejected-…` file, not replayed). */
  onProblem?: (problem: { file: string; line: number; message: string }) => void;
}

/** What a replay did. */
export interface ReplayResult {
  /** Spool files found. */
  files: number;
  /** Runs the exporter accepted. */
  replayed: number;
  /** Runs still in the spool (their export failed; replay again later). */
  remaining: number;
  /** Lines that were not runs, moved to `rejected-…` files. */
  rejected: number;
  /** Runs left out because an earlier line of the spool already holds the same run id (sent once). */
  duplicates?: number;
  /** Why the replay stopped early, when it did. */
  error?: unknown;
}

/** One spooled run: its line as written (kept verbatim if it must stay) and its validated form. */
interface SpooledLine {
  text: string;
  run: Run;
}

/**
 * Re-sends the runs of a spool directory (written by a `BatchRunProcessor` with `spoolDir`) through
 * `exporter`, oldest file first, in batches, retrying retryable failures with backoff. A spool file
 * is deleted only after all its runs were accepted; when a batch fails for good the file is rewritten
 * with the runs not yet accepted and the replay stops (the endpoint is likely still down). Lines that
 * are not valid runs are reported and moved to a `rejected-<file>` beside it, so nothing is lost and
 * nothing is replayed twice. A run id that stands more than once in the spool (a batch spooled again after a
 * process ended mid-send) is sent once: duplicates are taken out of the files before anything is sent, so a
 * replay that stops early and is run again never sends a run twice either. Files are never opened through a symbolic link (a link planted in the
 * directory is reported and skipped), and a directory that is a link, another user's, or writable by
 * others is not replayed at all (a warning says why).
 *
 * @example
 * const result = await replaySpool("/var/spool/myapp-runs", new LangSmithRunExporter());
 * console.log(`${result.replayed} replayed, ${result.remaining} left`);
 */
export async function replaySpool(
  dir: string,
  exporter: RunExporter,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const problem = await unsafeDirectory(dir);
  if (problem !== undefined) {
    emitWarning("unsafe_spool", `Not replaying ${dir}: ${problem}`);
    return { files: 0, replayed: 0, remaining: 0, rejected: 0, error: new Error(problem) };
  }
  const files = (await readdir(dir)).filter((name) => SPOOL_FILE.test(name)).sort();
  const result: ReplayResult = { files: files.length, replayed: 0, remaining: 0, rejected: 0 };
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 100));
  const retrying = new RetryingRunExporter(exporter, options);
  retrying.keepProcessAlive(true); // the replay is what the process is waiting for
  // First every file, then the sending: a duplicate is removed on disk before its twin can be sent, so a
  // replay that stops and is run again cannot send it a second time.
  const seen = new Set<string>();
  for (const name of files) await removeDuplicates(join(dir, name), seen, result);
  for (const [index, name] of files.entries()) {
    const path = join(dir, name);
    const lines = await readSpoolFile(path, name, result, options);
    let sent = 0;
    while (sent < lines.length) {
      const batch = lines.slice(sent, sent + batchSize);
      const outcome = await retrying.export(batch.map((line) => line.run));
      if (outcome.code !== "success") {
        await rewrite(path, lines.slice(sent));
        result.error = outcome.error ?? new Error("export failed");
        result.remaining += lines.length - sent + (await countRuns(dir, files.slice(index + 1)));
        return result;
      }
      sent += batch.length;
      result.replayed += batch.length;
    }
    await unlink(path);
  }
  return result;
}

async function readSpoolFile(
  path: string,
  name: string,
  result: ReplayResult,
  options: ReplayOptions,
): Promise<SpooledLine[]> {
  const lines: SpooledLine[] = [];
  const rejected: string[] = [];
  const content = await readRegular(path);
  if (content === undefined) {
    options.onProblem?.({ file: name, line: 0, message: "not a regular file (a symbolic link?): skipped" });
    return lines;
  }
  const texts = content.split("\n");
  texts.forEach((text, index) => {
    if (text.trim().length === 0) return;
    const problem = parseLine(text);
    if (typeof problem === "string") {
      rejected.push(text);
      options.onProblem?.({ file: name, line: index + 1, message: problem });
    } else lines.push({ text, run: problem });
  });
  if (rejected.length > 0) {
    result.rejected += rejected.length;
    const aside = await openRegular(join(dirname(path), `rejected-${name}`), APPEND);
    if (aside !== undefined) {
      try {
        await aside.write(`${rejected.join("\n")}\n`);
      } finally {
        await aside.close();
      }
    }
    await rewrite(path, lines);
  }
  return lines;
}

/** Drops the lines of a spool file whose run id was seen earlier in the spool; rewrites the file if any. */
async function removeDuplicates(path: string, seen: Set<string>, result: ReplayResult): Promise<void> {
  const content = await readRegular(path);
  if (content === undefined) return;
  const kept: Pick<SpooledLine, "text">[] = [];
  let dropped = 0;
  for (const text of content.split("\n")) {
    if (text.trim().length === 0) continue;
    const id = runIdOf(text);
    if (id !== undefined && seen.has(id)) dropped++;
    else {
      if (id !== undefined) seen.add(id);
      kept.push({ text });
    }
  }
  if (dropped === 0) return;
  result.duplicates = (result.duplicates ?? 0) + dropped;
  await rewrite(path, kept);
}

/** The `id` of the run on a spool line, or undefined when the line is not a JSON object with a string id. */
function runIdOf(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const id = (value as { id?: unknown }).id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined; // not JSON: the replay sets it aside as rejected
  }
}

/** The run on a line, or why it is not one. */
function parseLine(text: string): Run | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `invalid JSON: ${describeValue(error)}`;
  }
  const parsed = RunSchema.safeParse(value);
  return parsed.success ? parsed.data : `not a run: ${describeIssues(parsed.error.issues)}`;
}

/** Replaces a spool file's content atomically (a crash leaves the old or the new file, never half). */
async function rewrite(path: string, lines: readonly Pick<SpooledLine, "text">[]): Promise<void> {
  const temporary = join(dirname(path), `.rewrite-${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
  await writeFile(temporary, lines.map((line) => `${line.text}\n`).join(""), {
    mode: PRIVATE_FILE_MODE,
    flag: "wx",
  });
  await rename(temporary, path);
}

async function countRuns(dir: string, names: readonly string[]): Promise<number> {
  let count = 0;
  for (const name of names) {
    const text = (await readRegular(join(dir, name)).catch(() => undefined)) ?? "";
    count += text.split("\n").filter((line) => line.trim().length > 0).length;
  }
  return count;
}

/** A file's text, read without following a symbolic link; undefined for a link or a non-regular file. */
async function readRegular(path: string): Promise<string | undefined> {
  const handle = await openRegular(path, READ);
  if (handle === undefined) return undefined;
  try {
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}
