import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InMemoryRunExporter } from "../../src/export/index.js";
import {
  dottedOrderSegment,
  fromHeaders,
  MAX_BAGGAGE_LENGTH,
  MAX_TRACE_SEGMENTS,
  parseDottedOrder,
  RunTracer,
  toHeaders,
  traceable,
  type CurrentRun,
} from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { prototypePolluted } from "../support/hostile-values.js";

const warnings = captureWarnings();
const RUNS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const FORBIDDEN_KEYS = ["__proto__", "constructor", "prototype"];

// Valid dotted orders: 1–5 segments, each starting no earlier than its parent (from 2000 to now: a
// header dated more than a day ahead is rejected, see small-faults.test.ts).
const segmentTimes = fc.array(fc.integer({ min: 946_684_800_000_000, max: Date.now() * 1000 }), {
  minLength: 1,
  maxLength: 5,
});
const dottedOrder = fc.tuple(segmentTimes, fc.array(fc.uuid(), { minLength: 5, maxLength: 5 })).map(([times, ids]) =>
  [...times]
    .sort((a, b) => a - b)
    .map((micros, i) => dottedOrderSegment(micros, ids[i] as string))
    .join("."),
);

/** encodeURIComponent, except that a lone surrogate (which it refuses) goes in as it is. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

// Short strings an attacker puts in headers: control characters, CRLF, percent-encoding tricks, binary.
const tricky = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.constantFrom(
    "\r\nSet-Cookie: a=b",
    "%0D%0ASet-Cookie:%20a=b",
    "%00",
    "%",
    "%ZZ",
    "%C0%AE",
    "%ED%A0%80",
    "%E2%80%A8",
    "%250D%250A",
    "\u0000\u0001\u007f",
    "\ud800",
    '{"__proto__":{"polluted":1}}',
    "[".repeat(4000),
  ),
);
// …and oversized ones.
const nasty = fc.oneof(
  { arbitrary: tricky, weight: 9 },
  { arbitrary: fc.constantFrom(9000, 100_000, 1_000_000).map((length) => "x".repeat(length)), weight: 1 },
);

// A langsmith-trace value: valid, mutated, too deep, or nasty.
const traceValue = fc.oneof(
  dottedOrder,
  fc
    .tuple(dottedOrder, nasty, fc.nat())
    .map(
      ([order, insert, at]) => order.slice(0, at % (order.length + 1)) + insert + order.slice(at % (order.length + 1)),
    ),
  dottedOrder.map((order) => order.toUpperCase()),
  dottedOrder.map((order) => `${order}.`),
  dottedOrder.map((order) => Array.from({ length: MAX_TRACE_SEGMENTS + 1 }, () => order.split(".")[0]).join(".")),
  nasty,
);

const metadataJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc
    .dictionary(
      fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...FORBIDDEN_KEYS)),
      fc.oneof(fc.string(), nasty),
      { maxKeys: 4 },
    )
    .map((value) => JSON.stringify(value).replace('"constructor"', '"__proto__"')),
  nasty,
);
const baggageEntry = fc.oneof(
  metadataJson.map((json) => `langsmith-metadata=${encode(json)}`),
  metadataJson.map((json) => `langsmith-metadata=${json}`),
  fc.array(nasty, { maxLength: 70 }).map((tags) => `langsmith-tags=${encode(tags.join(","))}`),
  nasty.map((tags) => `langsmith-tags=${tags}`),
  nasty.map((project) => `langsmith-project=${project}`),
  nasty.map((project) => `langsmith-project=${encode(project)}`),
  nasty,
  fc.constant("userId=42;prop=1"),
);
const baggageValue = fc.array(baggageEntry, { maxLength: 5 }).map((entries) => entries.join(","));

const headerValue = (value: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
  fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 }), fc.constantFrom(undefined, null, 42, {}, ["a", 1]));

const plainHeaders = fc.record(
  {
    "langsmith-trace": headerValue(traceValue),
    baggage: headerValue(baggageValue),
    traceparent: headerValue(nasty),
    "LangSmith-Trace": headerValue(traceValue),
    other: headerValue(nasty),
  },
  { requiredKeys: [] },
);

/** A fetch-style Headers object whose `get` may misbehave. */
const headersObject = fc
  .tuple(plainHeaders, fc.constantFrom("normal", "throws", "non-string"))
  .map(([values, mode]) => ({
    get(name: string): string | null {
      if (mode === "throws") throw new Error("hostile get");
      const value = (values as Record<string, unknown>)[name];
      if (mode === "non-string") return value as string | null;
      return typeof value === "string" ? value : null;
    },
  }));

/** What any run read from untrusted headers must be, if there is one. */
function expectSafe(run: CurrentRun | undefined): void {
  expect(prototypePolluted()).toBe(false);
  if (run === undefined) return;
  expect(run.id).toMatch(UUID);
  expect(run.trace_id).toMatch(UUID);
  const segments = parseDottedOrder(run.dotted_order);
  expect(segments?.length).toBeGreaterThan(0);
  expect(segments?.length).toBeLessThanOrEqual(MAX_TRACE_SEGMENTS);
  expect(run.tags.length).toBeLessThanOrEqual(64);
  for (const tag of run.tags) expect(tag).not.toMatch(CONTROL);
  if (run.project_name !== undefined) expect(run.project_name).not.toMatch(CONTROL);
  for (const key of FORBIDDEN_KEYS) expect(Object.hasOwn(run.metadata, key)).toBe(false);
  // Whatever it carries, headers written from it cannot break out of their lines and stay bounded.
  for (const [name, value] of Object.entries(toHeaders(run))) {
    expect(value).not.toMatch(CONTROL);
    if (name === "baggage") expect(value.length).toBeLessThanOrEqual(MAX_BAGGAGE_LENGTH);
  }
}

describe("hostile distributed-tracing headers: no crash, no hang, no injection, the valid part kept", () => {
  it(`fromHeaders on hostile plain header objects (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(plainHeaders, (headers) => expectSafe(fromHeaders(headers as Record<string, string>))),
      { numRuns: RUNS },
    );
  });

  it(`fromHeaders on misbehaving Headers objects (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(headersObject, (headers) => expectSafe(fromHeaders(headers))),
      { numRuns: RUNS },
    );
  });

  it(`a valid langsmith-trace is kept whatever garbage the baggage holds (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(dottedOrder, baggageValue, (order, baggage) => {
        const run = fromHeaders({ "langsmith-trace": order, baggage });
        expectSafe(run);
        const segments = parseDottedOrder(order) ?? [];
        expect(run?.id).toBe(segments[segments.length - 1]?.runId);
        expect(run?.trace_id).toBe(segments[0]?.runId);
      }),
      { numRuns: RUNS },
    );
  });

  it(`valid baggage entries are kept next to hostile ones (${RUNS} runs)`, () => {
    const tag = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
    fc.assert(
      // Garbage that keeps the header under the 8 KiB cap (an oversized baggage header is ignored whole).
      fc.property(
        dottedOrder,
        fc.array(tag, { minLength: 1, maxLength: 5 }),
        tag,
        tricky.filter((text) => text.length < 500),
        (order, tags, project, garbage) => {
          const baggage = [
            `junk=${encode(garbage)}`,
            `langsmith-tags=${encode(tags.join(","))}`,
            `langsmith-project=${project}`,
            garbage.replace(/,/g, ""),
          ].join(",");
          const run = fromHeaders({ "langsmith-trace": order, baggage });
          expectSafe(run);
          expect(run?.tags).toEqual(tags);
          expect(run?.project_name).toBe(project);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("a run continued from hostile headers exports one valid JSON record with the remote parent", async () => {
    const exporter = new InMemoryRunExporter();
    const tracer = new RunTracer({ exporter });
    const samples = fc.sample(fc.tuple(dottedOrder, baggageValue), { numRuns: 200, seed: 42 });
    for (const [order, baggage] of samples) {
      const parent = fromHeaders({ "langsmith-trace": order, baggage });
      await traceable(async () => "ok", { name: "handler", tracer, parent })();
    }
    await tracer.shutdown();
    const runs = exporter.getFinishedRuns();
    expect(runs).toHaveLength(samples.length);
    for (const [index, run] of runs.entries()) {
      const segments = parseDottedOrder(samples[index]?.[0] ?? "") ?? [];
      expect(run.parent_run_id).toBe(segments[segments.length - 1]?.runId);
      expect(run.trace_id).toBe(segments[0]?.runId);
      expect(JSON.parse(JSON.stringify(run))).toEqual(run);
    }
    expect(warnings.filter((w) => w.code !== "invalid_header" && w.code !== "baggage_too_large")).toEqual([]);
  });
});
