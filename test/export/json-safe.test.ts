import { AIMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { InMemoryRunExporter } from "../../src/export/index.js";
import { toJsonSafe } from "../../src/export/json-safe.js";
import { makeRun } from "./helpers.js";

describe("toJsonSafe", () => {
  it("turns whatever a run may hold into JSON data that round-trips", () => {
    const circular: Record<string, unknown> = { name: "loop" };
    circular.self = circular;
    const shared = { reused: true };
    const value = {
      date: new Date(0),
      big: 12n,
      nan: Number.NaN,
      error: new TypeError("bad"),
      map: new Map<unknown, unknown>([
        ["k", 1],
        [2, "two"],
      ]),
      set: new Set([1, 1, 2]),
      bytes: new Uint8Array(16),
      skipped: () => 1,
      symbol: Symbol("s"),
      missing: undefined,
      list: [undefined, () => 1, 1],
      circular,
      twice: [shared, shared],
      getter: Object.defineProperty({}, "boom", {
        enumerable: true,
        get() {
          throw new Error("no");
        },
      }),
    };
    const safe = toJsonSafe(value);
    expect(safe).toEqual({
      date: "1970-01-01T00:00:00.000Z",
      big: "12",
      nan: null,
      error: { name: "TypeError", message: "bad" },
      map: { k: 1, 2: "two" },
      set: [1, 2],
      bytes: "[Uint8Array: 16 bytes]",
      list: [null, null, 1],
      circular: { name: "loop", self: "[Circular]" },
      twice: [{ reused: true }, { reused: true }],
      getter: { boom: "[Unreadable]" },
    });
    expect(JSON.parse(JSON.stringify(safe))).toEqual(safe);
  });

  it("serializes LangChain.js messages the way LangChain does (their toJSON)", () => {
    const message = new AIMessage({ content: "hi", response_metadata: { model_name: "m" } });
    expect(toJsonSafe({ message })).toEqual(JSON.parse(JSON.stringify({ message })));
  });

  it("keeps a __proto__ key as data and caps depth", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const safe = toJsonSafe(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(safe)).toBe(Object.prototype);
    expect(Object.keys(safe)).toEqual(["__proto__"]);
    let deep: Record<string, unknown> = {};
    const top = deep;
    for (let i = 0; i < 100; i++) deep = deep.next = {};
    expect(JSON.stringify(toJsonSafe(top))).toContain('"[Too deep]"');
  });
});

describe("InMemoryRunExporter", () => {
  it("keeps exported runs until reset", async () => {
    const exporter = new InMemoryRunExporter();
    await exporter.export([makeRun("a")]);
    await exporter.export([makeRun("b")]);
    const runs = exporter.getFinishedRuns();
    expect(runs.map((run) => run.name)).toEqual(["a", "b"]);
    runs.pop(); // a copy: the exporter's list is unchanged
    expect(exporter.getFinishedRuns()).toHaveLength(2);
    exporter.reset();
    expect(exporter.getFinishedRuns()).toEqual([]);
  });

  it("gives back, in order, what JSON makes of each run, across compressed blocks and runs kept as objects", async () => {
    const exporter = new InMemoryRunExporter();
    const expected: unknown[] = [];
    const notJson = makeRun("bigint", { inputs: { n: 1n } }); // JSON.stringify throws: kept as it is
    for (let i = 0; i < 300; i++) {
      // Non-ASCII text and ~2 KB per run: several blocks of UTF-8 of different byte and character lengths.
      const run = makeRun(`run ${i}`, { inputs: { text: `é ${"x".repeat(i * 7)} 漢字 ${i}`, n: -0 } });
      if (i % 2 === 0) await exporter.export([run]);
      else await exporter.exportRunText([JSON.stringify(run)]);
      expected.push(JSON.parse(JSON.stringify(run)));
      if (i === 150) {
        await exporter.export([notJson]);
        expected.push(notJson);
      }
    }
    const runs = exporter.getFinishedRuns();
    expect(runs).toEqual(expected);
    expect(runs[151]).toBe(notJson);
    expect(exporter.getFinishedRuns()).toEqual(runs); // reading does not consume
  });
});
