// Cases ported from langsmith JS (langchain-ai/langsmith-sdk, js/src/tests/run_trees.test.ts): the
// same trees built with the real langsmith RunTree (the oracle) and with runledger's traceable /
// RunTracer, compared on what both write: dotted_order, trace_id, parent_run_id, session_name and
// the distributed-tracing headers.
import { context, trace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { RunTree } from "langsmith/run_trees";
import { describe, expect, it } from "vitest";
import type { Run } from "../../schemas/index.js";
import { fromHeaders, getCurrentRun, parseDottedOrder, toHeaders, traceable } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { useContextManager } from "../support/otel-setup.js";
import { memoryTracer, named } from "../support/tracing-helpers.js";

const warnings = captureWarnings();
useContextManager();

/** Builds parent_1 → (child_1 → grandchild_1, grandchild_2), child_2, child_3 with runledger. */
async function nestedTree(): Promise<Run[]> {
  const { tracer, runs } = memoryTracer();
  const leaf = (name: string) => traceable(() => name, { name });
  const child1 = traceable(() => [leaf("grandchild_1")(), leaf("grandchild_2")()], { name: "child_1" });
  const parent = traceable(() => [child1(), leaf("child_2")(), leaf("child_3")()], { name: "parent_1", tracer });
  parent();
  return runs();
}

describe("langsmith js/src/tests/run_trees.test.ts", () => {
  it("nested: each child's dotted_order is its parent's plus its own segment", async () => {
    const all = await nestedTree();
    const parent = named(all, "parent_1");
    const child1 = named(all, "child_1");
    for (const name of ["child_1", "child_2", "child_3"]) {
      expect(named(all, name).dotted_order.startsWith(`${parent.dotted_order}.`)).toBe(true);
      expect(parseDottedOrder(named(all, name).dotted_order)).toHaveLength(2);
    }
    for (const name of ["grandchild_1", "grandchild_2"]) {
      expect(named(all, name).dotted_order.startsWith(`${child1.dotted_order}.`)).toBe(true);
      expect(parseDottedOrder(named(all, name).dotted_order)).toHaveLength(3);
    }
  });

  it("nested: siblings sort in execution order, as langsmith's do", async () => {
    const all = await nestedTree();
    const order = ["parent_1", "child_1", "grandchild_1", "grandchild_2", "child_2", "child_3"];
    const sorted = [...all].sort((a, b) => (a.dotted_order < b.dotted_order ? -1 : 1)).map((run) => run.name);
    expect(sorted).toEqual(order);
    // The same tree in langsmith sorts the same way.
    const p = new RunTree({ name: "parent_1" });
    const c1 = p.createChild({ name: "child_1" });
    const trees = [p, c1, c1.createChild({ name: "grandchild_1" }), c1.createChild({ name: "grandchild_2" })];
    trees.push(p.createChild({ name: "child_2" }), p.createChild({ name: "child_3" }));
    expect([...trees].sort((a, b) => (a.dotted_order < b.dotted_order ? -1 : 1)).map((t) => t.name)).toEqual(order);
  });

  it("nested: a segment is the start time as YYYYMMDDTHHMMSSffffffZ then the run id, as langsmith writes it", async () => {
    const all = await nestedTree();
    const langsmith = new RunTree({ name: "x" }).dotted_order;
    const pattern = /^\d{8}T\d{12}Z[0-9a-f-]{36}$/;
    expect(langsmith).toMatch(pattern);
    for (const run of all) for (const segment of run.dotted_order.split(".")) expect(segment).toMatch(pattern);
    for (const run of all) expect(run.dotted_order.endsWith(run.id)).toBe(true);
  });

  it("nested: trace_id is the root's id and parent_run_id the parent's, as in a langsmith tree", async () => {
    const all = await nestedTree();
    const parent = named(all, "parent_1");
    for (const run of all) expect(run.trace_id).toBe(parent.id);
    expect(named(all, "child_1").parent_run_id).toBe(parent.id);
    expect(named(all, "grandchild_2").parent_run_id).toBe(named(all, "child_1").id);
    const tree = new RunTree({ name: "p" });
    const child = tree.createChild({ name: "c" });
    expect(child.trace_id).toBe(tree.id);
    expect(child.parent_run?.id).toBe(tree.id);
  });

  it("serializing run tree: the default run type is chain for every run", async () => {
    const all = await nestedTree();
    expect(new Set(all.map((run) => run.run_type))).toEqual(new Set(["chain"]));
    expect(new RunTree({ name: "x" }).run_type).toBe("chain");
    for (const run of all) expect(JSON.parse(JSON.stringify(run))).toEqual(run);
  });

  it("distributed: a run continued from langsmith's toHeaders() joins the remote trace in its project", async () => {
    const remote = new RunTree({
      name: "parent_1",
      id: "00000000-0000-4000-8000-000000000000",
      start_time: Date.parse("2021-05-03T00:00:00.000Z"),
      project_name: "test_project",
    });
    const headers = remote.toHeaders();
    expect(headers.baggage).toContain("test_project");
    const { tracer, runs } = memoryTracer();
    const child2 = traceable(() => "child2", { name: "child_2", tracer, parent: fromHeaders(headers) });
    expect(child2()).toBe("child2");
    const [run] = await runs();
    expect(run).toMatchObject({
      name: "child_2",
      run_type: "chain",
      session_name: "test_project",
      trace_id: remote.id,
      parent_run_id: remote.id,
    });
    expect(run?.dotted_order.startsWith(`${remote.dotted_order}.`)).toBe(true);
    // langsmith's own child of the same headers has the same prefix and parent.
    const langsmithChild = RunTree.fromHeaders(headers)?.createChild({ name: "child_2" });
    expect(langsmithChild?.parent_run?.id).toBe(run?.parent_run_id);
    expect(langsmithChild?.trace_id).toBe(run?.trace_id);
  });

  it("distributed: a grandchild traced under the continued run nests three deep", async () => {
    const remote = new RunTree({ name: "parent_1", project_name: "test_project" });
    const { tracer, runs } = memoryTracer();
    const grandchild = traceable(() => getCurrentRun()?.dotted_order, { name: "grandchild_traceable" });
    const child = traceable(() => grandchild(), { name: "child_2", tracer, parent: fromHeaders(remote.toHeaders()) });
    const dotted = child();
    const all = await runs();
    expect(parseDottedOrder(dotted ?? "")).toHaveLength(3);
    expect(named(all, "grandchild_traceable").dotted_order).toBe(dotted);
    expect(named(all, "grandchild_traceable").parent_run_id).toBe(named(all, "child_2").id);
  });

  it("distributed tracing: fromHeaders of a child's headers continues that child (distributedParentId)", async () => {
    const grandparent = new RunTree({ name: "Grandparent", project_name: "original_project" });
    const child = grandparent.createChild({ name: "Parent" }).createChild({ name: "Child" });
    const parent = fromHeaders(child.toHeaders());
    expect(parent?.id).toBe(child.id);
    expect(parent?.id).toBe(RunTree.fromHeaders(child.toHeaders())?.distributedParentId);
    expect(parent?.trace_id).toBe(grandparent.id);
    expect(parent?.dotted_order).toBe(child.dotted_order);
  });

  it("langsmith continues runledger's trace from toHeaders(): same trace, parent and dotted-order prefix", async () => {
    const { tracer, runs } = memoryTracer();
    let headers: Record<string, string> = {};
    const outer = traceable(
      () => {
        headers = toHeaders(getCurrentRun());
      },
      { name: "outer", tracer, metadata: { tenant: "a" }, tags: ["t1"] },
    );
    outer();
    const [run] = await runs();
    const continued = RunTree.fromHeaders(headers);
    const remote = continued?.createChild({ name: "remote" });
    expect(remote?.trace_id).toBe(run?.trace_id);
    expect(remote?.parent_run?.id).toBe(run?.id);
    expect(remote?.dotted_order.startsWith(`${run?.dotted_order}.`)).toBe(true);
    expect(continued?.extra?.metadata).toMatchObject({ tenant: "a" });
    expect(continued?.tags).toEqual(["t1"]);
  });

  it("toHeaders writes langsmith-trace and baggage byte for byte as RunTree.toHeaders()", () => {
    const tree = new RunTree({ name: "x", project_name: "proj", tags: ["a", "b"], metadata: { k: "v w" } });
    const ours = toHeaders({
      dotted_order: tree.dotted_order,
      tags: tree.tags,
      metadata: { k: "v w" },
      project_name: "proj",
    });
    const theirs = tree.toHeaders();
    expect(ours["langsmith-trace"]).toBe(theirs["langsmith-trace"]);
    expect(ours.baggage).toBe(theirs.baggage);
  });

  it("toHeaders(undefined) outside a traced function: {} with a warning (langsmith's getCurrentRunTree throws)", () => {
    expect(toHeaders(getCurrentRun())).toEqual({});
    expect(warnings.map((w) => w.code)).toEqual(["invalid_run"]);
  });

  it("traceparent is the active OpenTelemetry span's when one is active, else derived from the run", () => {
    const tree = new RunTree({ name: "x" });
    const derived = toHeaders({ dotted_order: tree.dotted_order }).traceparent;
    expect(derived).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const span = new BasicTracerProvider().getTracer("test").startSpan("request");
    const { traceId, spanId } = span.spanContext();
    const headers = context.with(trace.setSpan(context.active(), span), () =>
      toHeaders({ dotted_order: tree.dotted_order }),
    );
    span.end();
    expect(headers.traceparent).toBe(`00-${traceId}-${spanId}-01`);
    expect(headers["langsmith-trace"]).toBe(tree.dotted_order);
  });

  it("reroot with fromHeaders: a dotted order without its Z is refused (langsmith accepts it unchecked)", () => {
    const headers = { "langsmith-trace": "20210503T000000000000000000000000-0000-0000-0000-000000000000" };
    expect(RunTree.fromHeaders(headers)).toBeDefined();
    expect(fromHeaders(headers)).toBeUndefined();
    expect(warnings.length).toBeGreaterThan(0);
  });
});
