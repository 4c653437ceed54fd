import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";
import { Sink } from "../support/sink.js";

const RUNS = 200;
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const validLines = readFileSync(resolve(repoRoot, "test/fixtures/cli/traces.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "");
const directory = mkdtempSync(join(tmpdir(), "runledger-fuzz-cli-"));
let files = 0;

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runCli(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function write(content: Buffer): string {
  const path = join(directory, `input-${files++}.jsonl`);
  writeFileSync(path, content);
  return path;
}

/** The number of lines in `bytes` that are not blank once decoded (each is a problem: not a run). */
function garbageLines(bytes: Uint8Array): number {
  return Buffer.from(bytes)
    .toString("utf8")
    .split("\n")
    .filter((line) => line.trim() !== "").length;
}

// Bytes that are not runs: random binary, invalid UTF-8, JSON that is not a run, broken JSON.
const garbage = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.constantFrom(
    Buffer.from([0xc0, 0xaf, 0xff, 0xfe, 0x80, 0xed, 0xa0, 0x80]), // overlong, invalid, lone continuation, surrogate
    Buffer.from('{"id": "\xff\xfe"}', "latin1"),
    Buffer.from("[".repeat(100_000)),
    Buffer.from('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
    Buffer.from("null"),
    Buffer.from('{"id": 42}'),
  ),
  fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? "null")),
  fc.constantFrom(...validLines).map((line) => Buffer.from(line.slice(0, Math.floor(line.length / 2)))),
);

describe("hostile JSONL input to the CLI: no crash, a clear problem per bad line, every valid run kept", () => {
  it(`report --json on valid runs mixed with binary garbage, invalid UTF-8 and broken JSON (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(validLines),
        fc.array(garbage, { maxLength: 6 }),
        fc.nat(),
        async (runs, junk, seed) => {
          // Interleave the valid lines and the garbage in an order the seed decides.
          const pieces: Buffer[] = [
            ...runs.map((line) => Buffer.from(line)),
            ...junk.map((bytes) => Buffer.from(bytes)),
          ];
          const order = pieces
            .map((_, i) => ((i + 1) * 2654435761 + seed) % 4294967296)
            .map((key, i) => [key, i] as const)
            .sort((a, b) => a[0] - b[0]);
          const file = write(Buffer.concat(order.flatMap(([, i]) => [pieces[i] as Buffer, Buffer.from("\n")])));
          const { code, stdout, stderr } = await cli("report", file, "--json");
          const expectedProblems = junk.reduce((sum, bytes) => sum + garbageLines(bytes), 0);
          if (runs.length === 0 && expectedProblems > 0) {
            // Nothing valid was read: a clear error and exit code 1, never a report of nothing.
            expect(code).toBe(1);
            expect(stderr).toContain(`no valid run in ${file} (${expectedProblems} malformed line(s))`);
            return;
          }
          expect(code).toBe(0);
          const report = JSON.parse(stdout) as { runs: number; problem_count: number };
          expect(report.runs).toBe(runs.length);
          expect(report.problem_count).toBe(expectedProblems);
          expect(stderr.split("\n").filter((line) => line.startsWith(file)).length).toBe(
            Math.min(expectedProblems, 100),
          );
          expect("polluted" in Object.prototype).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("a line over the 64 MiB cap is skipped with a problem; its neighbours are kept", async () => {
    const [first = "", second = ""] = validLines;
    const file = write(
      Buffer.concat([Buffer.from(`${first}\n`), Buffer.alloc(65 * 2 ** 20, 0x78), Buffer.from(`\n${second}\n`)]),
    );
    const { code, stdout, stderr } = await cli("report", file, "--json");
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { runs: number }).runs).toBe(2);
    expect(stderr).toBe(`${file}:2: longer than ${64 * 2 ** 20} bytes, skipped\n`);
  });

  it("a huge valid run (10 MB of inputs) and a 100,000-deep one are kept; report and html work", async () => {
    const run = JSON.parse(validLines[0] ?? "{}") as Record<string, unknown>;
    const huge = JSON.stringify({ ...run, inputs: { text: "y".repeat(10_000_000) } });
    const deep = JSON.stringify({ ...run, id: "0b8e3a52-6f1d-4c2a-9e57-2d4c1f0a9bff" }).replace(
      /"inputs":\{/,
      `"inputs":{"nested":${"[".repeat(100_000)}${"]".repeat(100_000)},`,
    );
    const file = write(Buffer.from(`${huge}\n${deep}\n${"{".repeat(1_000_000)}\n`));
    const report = await cli("report", file, "--json");
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout) as { runs: number; problem_count: number }).toMatchObject({
      runs: 2,
      problem_count: 1,
    });
    expect(report.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: invalid JSON: `));
    const html = await cli("html", file, "-o", join(directory, "deep.html"));
    expect(html.code).toBe(0);
    expect(readFileSync(join(directory, "deep.html"), "utf8")).toContain("<html");
  });

  it("an unreadable input is a clear error, not a crash", async () => {
    const missing = await cli("report", join(directory, "missing.jsonl"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^runledger: cannot read .*missing\.jsonl: ENOENT/);
    const isDirectory = await cli("report", directory);
    expect(isDirectory.code).toBe(1);
    expect(isDirectory.stderr).toMatch(/^runledger: /);
  });
});
