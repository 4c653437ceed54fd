import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newTraceState, OpenRun, type RunStart } from "../../src/tracing/open-run.js";
import { placeRoot } from "../../src/tracing/run-placement.js";

const START: RunStart = {
  run_type: "chain",
  name: "step",
  inputs: {},
  serialized: undefined,
  tags: [],
  extra: {},
  metadata: {},
  requestModel: undefined,
  sessionName: undefined,
};

describe("TraceState", () => {
  // The reference is the Set it replaced: same members, same join order, same size.
  it("holds what a Set of its runs would, in join order, through any adds and deletes", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 7 })), { maxLength: 200 }), (operations) => {
        const trace = newTraceState();
        const runs = Array.from(
          { length: 8 },
          (_, i) => new OpenRun(placeRoot(`run-${i}`, 1_000_000 + i), trace, i + 1, START),
        );
        const reference = new Set<OpenRun>();
        for (const [adding, index] of operations) {
          const run = runs[index] as OpenRun;
          if (adding) {
            trace.add(run);
            reference.add(run);
          } else {
            trace.delete(run);
            reference.delete(run);
          }
          expect(trace.size).toBe(reference.size);
          expect(trace.runs()).toEqual([...reference]);
        }
      }),
    );
  });

  it("lets the runs it listed be deleted while the list is walked", () => {
    const trace = newTraceState();
    const runs = [0, 1, 2].map((i) => new OpenRun(placeRoot(`run-${i}`, 1_000_000 + i), trace, i + 1, START));
    for (const run of runs) trace.add(run);
    const seen: OpenRun[] = [];
    for (const run of trace.runs()) {
      seen.push(run);
      trace.delete(run);
    }
    expect(seen).toEqual(runs);
    expect(trace.size).toBe(0);
    expect(trace.runs()).toEqual([]);
  });
});
