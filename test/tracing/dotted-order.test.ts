import { convertToDottedOrderFormat } from "langsmith/run_trees";
import { describe, expect, it } from "vitest";
import { dottedOrderSegment, parseDottedOrder } from "../../src/tracing/index.js";
import { placeChild, placementFromDottedOrder, placeRoot } from "../../src/tracing/run-placement.js";

const A = "0190f0e4-0000-7000-8000-00000000000a";
const B = "0190f0e4-0000-7000-8000-00000000000b";
const C = "0190f0e4-0000-7000-8000-00000000000c";

describe("dotted order and placements", () => {
  it("writes segments as YYYYMMDDTHHMMSSffffffZ (UTC) + run id, as langsmith does", () => {
    expect(dottedOrderSegment(1_714_564_800_123_456, A)).toBe(`20240501T120000123456Z${A}`);
    // langsmith puts its execution order in the last three digits; with order 1 the formats coincide.
    const { dottedOrder } = convertToDottedOrderFormat(1_714_564_800_123, A, 1);
    expect(dottedOrder).toBe(dottedOrderSegment(1_714_564_800_123_001, A));
    expect(parseDottedOrder(dottedOrder)).toEqual([{ micros: 1_714_564_800_123_001, runId: A }]);
  });

  it("places children after their parent and each sibling strictly after the previous one", () => {
    const root = placeRoot(A, 1_000_000);
    const first = placeChild(root, B, 1_000_000);
    const second = placeChild(root, C, 999_000); // the clock read earlier: clamped
    expect(first.start_micros).toBe(1_000_000);
    expect(second.start_micros).toBe(1_000_001);
    expect(first.dotted_order).toBe(`${root.dotted_order}.${dottedOrderSegment(1_000_000, B)}`);
    expect(first.dotted_order < second.dotted_order).toBe(true);
    expect([first.trace_id, second.trace_id, second.parent_run_id]).toEqual([A, A, A]);
    const later = placeChild(root, "0190f0e4-0000-7000-8000-00000000000d", 5_000_000);
    expect(later.start_micros).toBe(5_000_000); // a clock ahead of the tie-break is used as is
  });

  it("rebuilds a placement from a dotted order, canonically", () => {
    const dotted = `${dottedOrderSegment(1_000_000, A)}.${dottedOrderSegment(2_000_000, B)}`;
    const placement = placementFromDottedOrder(dotted.toUpperCase(), "proj");
    expect(placement).toMatchObject({
      id: B,
      trace_id: A,
      parent_run_id: A,
      dotted_order: dotted,
      start_micros: 2_000_000,
      project_name: "proj",
    });
    expect(
      placementFromDottedOrder(`${dottedOrderSegment(2_000_000, A)}.${dottedOrderSegment(1_000_000, B)}`),
    ).toBeUndefined();
  });
});
