import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { FaultServer } from "./fault-server.js";

// Every way a process ends, in a child process whose runs are all still queued at that moment: what
// the app created must all be found afterwards, delivered (JSONL file, LangSmith endpoint) or spooled.
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const app = fileURLToPath(new URL("./fixtures/ending-app.ts", import.meta.url));
const TRACES = 200; // 3 runs each: 600 runs queued
const servers: FaultServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  ids: string[];
  stdout: string;
  stderr: string;
}

/** Runs the app; once it printed its run ids, sends `signal` (if any). Never hangs past 60 s. */
function runApp(args: string[], signal: NodeJS.Signals | undefined, env: Record<string, string> = {}): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", app, ...args, String(TRACES)], {
      cwd: repoRoot,
      env: { ...process.env, RUNLEDGER_SPOOL_DIR: undefined, RUNLEDGER_TRACES_FILE: undefined, ...env },
      timeout: 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const before = stdout;
      stdout += chunk.toString();
      if (signal !== undefined && !before.includes('{"ids"') && /\{"ids".*\n/.test(stdout)) child.kill(signal);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, closedBy) => {
      const line = stdout.split("\n").find((text) => text.startsWith('{"ids"')) ?? '{"ids":[]}';
      resolve({ code, signal: closedBy, ids: (JSON.parse(line) as { ids: string[] }).ids, stdout, stderr });
    });
  });
}

function temporary(): string {
  return mkdtempSync(join(tmpdir(), "runledger-ending-"));
}

function idsInJsonl(text: string): string[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { id: string }).id);
}

function idsInFile(path: string): string[] {
  return existsSync(path) ? idsInJsonl(readFileSync(path, "utf8")) : [];
}

function idsInSpool(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => idsInJsonl(readFileSync(join(dir, name), "utf8")));
}

function report(what: string, ended: Ended, found: Record<string, number>): void {
  const counts = Object.entries(found)
    .map(([where, n]) => `${where} ${n}`)
    .join(", ");
  const how = ended.signal === null ? `exit code ${ended.code}` : `killed by ${ended.signal}`;
  console.log(`[process endings] ${what}: created ${ended.ids.length}, ${counts}; ${how}`);
}

const SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];

describe("signals: flushed within the deadline, the rest spooled, then the signal's default behaviour", () => {
  it.each(SIGNALS)("%s, JSONL exporter: every run written, the process ends by the signal", async (signal) => {
    const file = join(temporary(), "traces.jsonl");
    const ended = await runApp(["jsonl", file, "-", "wait"], signal);
    const written = idsInFile(file);
    report(`${signal}, JSONL`, ended, { written: written.length });
    expect(ended.ids).toHaveLength(TRACES * 3);
    expect(written.sort()).toEqual([...ended.ids].sort());
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code: null, signal });
  });

  it.each(SIGNALS)("%s, LangSmith exporter, endpoint up: every run delivered once, then the signal", async (signal) => {
    const server = await FaultServer.start();
    servers.push(server);
    const ended = await runApp(["langsmith", server.url, "-", "wait"], signal);
    report(`${signal}, LangSmith (up)`, ended, { delivered: server.stored.size });
    expect(ended.ids).toHaveLength(TRACES * 3);
    expect([...server.stored.keys()].sort()).toEqual([...ended.ids].sort());
    expect(server.duplicates()).toEqual({ stored: [], posted: [] });
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code: null, signal });
  });

  it.each(SIGNALS)("%s, LangSmith exporter, endpoint stuck: every run spooled at the deadline", async (signal) => {
    const server = (await FaultServer.start()).otherwise({ kind: "hang" });
    servers.push(server);
    const spool = temporary();
    const ended = await runApp(["langsmith", server.url, spool, "wait"], signal, { RUNLEDGER_SIGNAL_FLUSH_MS: "300" });
    const spooled = idsInSpool(spool);
    report(`${signal}, LangSmith (stuck)`, ended, { delivered: server.stored.size, spooled: spooled.length });
    expect(ended.ids).toHaveLength(TRACES * 3);
    expect(spooled.sort()).toEqual([...ended.ids].sort());
    expect(ended.stderr).toContain(`Spooled ${TRACES * 3} runs`);
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code: null, signal });
  });

  it.each(SIGNALS)(
    "%s with the app's own listener: it runs, runledger flushes and does not end the process",
    async (signal) => {
      const file = join(temporary(), "traces.jsonl");
      const ended = await runApp(["jsonl", file, "-", `own:${signal}`], signal);
      const written = idsInFile(file);
      report(`${signal}, JSONL, app's own listener`, ended, { written: written.length });
      expect(ended.stdout).toContain(JSON.stringify({ appHandler: signal }));
      expect(written.sort()).toEqual([...ended.ids].sort());
      expect({ code: ended.code, signal: ended.signal }).toEqual({ code: 0, signal: null });
    },
  );
});

describe("abrupt endings: queued runs written synchronously", () => {
  const ENDINGS = [
    ["exit", 0],
    ["throw", 1],
    ["reject", 1],
  ] as const;

  it.each(ENDINGS)("%s, JSONL exporter, no spool: every run written to the file", async (ending, code) => {
    const file = join(temporary(), "traces.jsonl");
    const ended = await runApp(["jsonl", file, "-", ending], undefined);
    const written = idsInFile(file);
    report(`${ending}, JSONL`, ended, { written: written.length });
    expect(ended.ids).toHaveLength(TRACES * 3);
    expect(written.sort()).toEqual([...ended.ids].sort());
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code, signal: null });
  });

  it.each(ENDINGS)("%s, LangSmith exporter with a spool: every run spooled", async (ending, code) => {
    const server = await FaultServer.start();
    servers.push(server);
    const spool = temporary();
    const ended = await runApp(["langsmith", server.url, spool, ending], undefined);
    const spooled = idsInSpool(spool);
    report(`${ending}, LangSmith`, ended, { delivered: server.stored.size, spooled: spooled.length });
    expect(spooled.sort()).toEqual([...ended.ids].sort());
    expect({ code: ended.code, signal: ended.signal }).toEqual({ code, signal: null });
  });
});
