import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { FaultServer } from "./fault-server.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const app = fileURLToPath(new URL("./fixtures/traced-app.ts", import.meta.url));
const cli = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const servers: FaultServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a node child (loopback only) and collects its output; never hangs past 60 s. */
function node(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      cwd: repoRoot,
      env: {
        ...process.env,
        LANGSMITH_API_KEY: undefined,
        LANGSMITH_ENDPOINT: undefined,
        RUNLEDGER_TRACES_FILE: undefined,
        RUNLEDGER_SPOOL_DIR: undefined,
        ...env,
      },
      timeout: 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function idsOf(exit: Exit): string[] {
  const first = exit.stdout.split("\n")[0] ?? "";
  return (JSON.parse(first) as { ids: string[] }).ids;
}

function spoolDir(): string {
  return mkdtempSync(join(tmpdir(), "runledger-restart-"));
}

async function upEndpoint(): Promise<FaultServer> {
  const server = await FaultServer.start();
  servers.push(server);
  return server;
}

/** Process 2: `runledger replay <dir>` against an endpoint that is up; every run must arrive exactly once. */
async function replayInNewProcess(dir: string, sent: readonly string[], fault: string): Promise<void> {
  const endpoint = await upEndpoint();
  const replay = await node([cli, "replay", dir], { LANGSMITH_API_KEY: "test-key", LANGSMITH_ENDPOINT: endpoint.url });
  console.log(
    `[reliability] ${fault}: sent ${sent.length}, spooled then replayed by a new process, received ${endpoint.stored.size}`,
  );
  expect(replay.stderr).toBe(
    `replayed ${sent.length} run(s) from ${replay.stderr.match(/from (\d+) spool/)?.[1]} spool file(s) to LangSmith (${endpoint.url}, project default)\n`,
  );
  expect(replay.code).toBe(0);
  expect([...endpoint.stored.keys()].sort()).toEqual([...sent].sort());
  expect(endpoint.duplicates()).toEqual({ stored: [], posted: [] });
  expect(readdirSync(dir)).toEqual([]);
}

describe("process exit and restart: nothing lost", () => {
  it("flushes queued runs when the app ends on its own (beforeExit), endpoint up", async () => {
    const endpoint = await upEndpoint();
    const run = await node([app, "natural", endpoint.url, "-", "10"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const sent = idsOf(run);
    console.log(`[reliability] natural exit with queued runs: sent ${sent.length}, received ${endpoint.stored.size}`);
    expect([...endpoint.stored.keys()].sort()).toEqual([...sent].sort());
    expect(endpoint.duplicates().stored).toEqual([]);
  });

  it("endpoint down, app ends on its own: retries, spools; a second process replays every run exactly once", async () => {
    const dir = spoolDir();
    const down = `http://127.0.0.1:${await FaultServer.freePort()}`;
    const run = await node([app, "natural", down, dir, "10"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^\[runledger\] Spooled 30 runs to .* \(export failed: fetch failed\)\n$/);
    await replayInNewProcess(dir, idsOf(run), "endpoint down, natural exit");
  });

  it("process.exit() with runs still queued: the exit hook spools them synchronously; a second process replays them", async () => {
    const dir = spoolDir();
    const endpoint = await upEndpoint(); // up, but the app exits before exporting anything
    const run = await node([app, "exit", endpoint.url, dir, "10"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^\[runledger\] Spooled 30 runs to .* \(process exiting\)\n$/);
    expect(endpoint.requests).toBe(0);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(
      readFileSync(join(dir, files[0] as string), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(30);
    await replayInNewProcess(dir, idsOf(run), "process.exit() with queued runs");
  });

  it("process.exit() without a spool: the loss is counted exactly and reported", async () => {
    const endpoint = await upEndpoint();
    const run = await node([app, "exit", endpoint.url, "-", "10"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("[runledger] Dropped 30 runs (process exiting)\n");
  });

  it("shutdown() against a hung endpoint returns by its deadline and spools; a second process replays", async () => {
    const dir = spoolDir();
    const hung = (await upEndpoint()).otherwise({ kind: "hang" });
    const run = await node([app, "shutdown", hung.url, dir, "10"]);
    expect(run.code).toBe(0);
    const stats = JSON.parse(run.stdout.split("\n")[1] ?? "") as { exported: number; dropped: number; spooled: number };
    // By the deadline every run is accounted for: the batch in flight and the queue are spooled.
    expect(stats).toEqual({ exported: 0, dropped: 0, spooled: 30 });
    expect(run.stderr).toMatch(/^\[runledger\] Spooled 30 runs to .* \(shutdown deadline\)\n$/);
    await replayInNewProcess(dir, idsOf(run), "hung endpoint, shutdown deadline");
  });

  it("replay with nowhere to send says so; replay to a JSONL file with --to", async () => {
    const dir = spoolDir();
    const run = await node([app, "exit", `http://127.0.0.1:${await FaultServer.freePort()}`, dir, "5"]);
    const nowhere = await node([cli, "replay", dir]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toBe(
      "runledger: replay needs --to <file>, LANGSMITH_API_KEY (LangSmith) or RUNLEDGER_TRACES_FILE\n",
    );
    const file = join(dir, "..", `${join(dir).split("/").pop()}-replayed.jsonl`);
    const replay = await node([cli, "replay", dir, "--to", file]);
    expect(replay.code).toBe(0);
    const replayed = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(replayed.sort()).toEqual(idsOf(run).sort());
    expect(readdirSync(dir)).toEqual([]);
  });
});
