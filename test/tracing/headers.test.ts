import { RunTree } from "langsmith/run_trees";
import { describe, expect, it } from "vitest";
import { fromHeaders, getCurrentRun, toHeaders, traceable, type CurrentRun } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { memoryTracer, named } from "../support/tracing-helpers.js";

const warnings = captureWarnings();

const ROOT = "0190f0e4-0000-7000-8000-000000000001";
const PARENT = "0190f0e4-0000-7000-8000-000000000002";
const TRACE = `20240501T120000123456Z${ROOT}.20240501T120000200000Z${PARENT}`;

describe("headers: interop with the langsmith package", () => {
  it("reads what langsmith's RunTree.toHeaders() writes, and writes it back byte for byte", () => {
    const remoteRoot = new RunTree({
      name: "remote",
      project_name: "proj-x",
      tags: ["a", "b c"],
      metadata: { k: "v", n: 1 },
    });
    const remoteChild = remoteRoot.createChild({ name: "remote-child" });
    for (const tree of [remoteRoot, remoteChild]) {
      const headers = tree.toHeaders();
      for (const input of [headers, new Headers(headers)]) {
        const run = fromHeaders(input);
        expect(run).toMatchObject({
          id: tree.id,
          trace_id: tree.trace_id,
          dotted_order: tree.dotted_order,
          project_name: "proj-x",
          metadata: { k: "v", n: 1 },
        });
        const written = toHeaders(run as CurrentRun);
        expect(written["langsmith-trace"]).toBe(headers["langsmith-trace"]);
        expect(written.baggage).toBe(headers.baggage);
      }
    }
    expect(fromHeaders(remoteRoot.toHeaders())?.tags).toEqual(["a", "b c"]);
    expect(fromHeaders(remoteChild.toHeaders())?.parent_run_id).toBe(remoteRoot.id);
    expect(warnings).toEqual([]);
  });

  it("continues a langsmith trace: the local run is the remote run's child in the same trace", async () => {
    const remote = new RunTree({ name: "remote", project_name: "proj-x" });
    const { tracer, runs } = memoryTracer();
    const handle = traceable(() => "ok", { name: "handle", tracer, parent: fromHeaders(remote.toHeaders()) });
    handle();
    const run = named(await runs(), "handle");
    expect(run.trace_id).toBe(remote.trace_id);
    expect(run.parent_run_id).toBe(remote.id);
    expect(run.dotted_order.startsWith(`${remote.dotted_order}.`)).toBe(true);
    expect(run.session_name).toBe("proj-x");
  });

  it("writes what langsmith's RunTree.fromHeaders() reads; langsmith continues our trace", async () => {
    const { tracer } = memoryTracer();
    const local = traceable(
      () => {
        const run = getCurrentRun() as CurrentRun;
        return { run, headers: toHeaders(run) };
      },
      { name: "local", tracer, tags: ["t1", "t,2"], metadata: { user: "u1", nested: { deep: [1, "two"] } } },
    );
    const { run, headers } = local();
    const tree = RunTree.fromHeaders(headers) as RunTree;
    expect(tree.id).toBe(run.id);
    expect(tree.trace_id).toBe(run.trace_id);
    expect(tree.dotted_order).toBe(run.dotted_order);
    expect(tree.extra.metadata).toEqual({ user: "u1", nested: { deep: [1, "two"] } });
    // langsmith joins tags with commas without escaping them, so a tag containing one splits in two.
    expect(tree.tags).toEqual(["t1", "t", "2"]);
    const child = tree.createChild({ name: "remote-child" });
    expect(child.trace_id).toBe(run.trace_id);
    expect(child.dotted_order.startsWith(`${run.dotted_order}.`)).toBe(true);
    expect(tree.toHeaders()["langsmith-trace"]).toBe(headers["langsmith-trace"]);
  });

  it("round-trips exactly through langsmith when the run has a project", () => {
    const parent = fromHeaders({ "langsmith-trace": TRACE, baggage: "langsmith-project=shop" });
    const headers = traceable(() => toHeaders(getCurrentRun() as CurrentRun), {
      parent,
      metadata: { order: 7 },
      tags: ["checkout"],
    })();
    const tree = RunTree.fromHeaders(headers) as RunTree;
    const rewritten = tree.toHeaders();
    expect(rewritten["langsmith-trace"]).toBe(headers["langsmith-trace"]);
    expect(rewritten.baggage).toBe(headers.baggage);
    expect(headers.baggage).toBe(
      "langsmith-metadata=%7B%22order%22%3A7%7D,langsmith-tags=checkout,langsmith-project=shop",
    );
  });

  it("writes a W3C traceparent from the trace id and the run id", () => {
    const run = fromHeaders({ "langsmith-trace": TRACE }) as CurrentRun;
    expect(toHeaders(run).traceparent).toBe("00-0190f0e4000070008000000000000001-8000000000000002-01");
    const set = new Headers();
    const written = toHeaders(run, set);
    expect(Object.fromEntries(set.entries())).toEqual(written);
    expect(written.baggage).toBeUndefined(); // nothing to propagate: no empty header
  });

  it("propagates a Run record too (metadata from extra, project from session_name)", () => {
    const headers = toHeaders({ dotted_order: TRACE, extra: { metadata: { a: 1 } }, session_name: "p", tags: [] });
    expect(headers.baggage).toBe("langsmith-metadata=%7B%22a%22%3A1%7D,langsmith-project=p");
  });
});

describe("headers: untrusted input", () => {
  const segment = (i: number): string =>
    `20240501T1200001234${String(i).padStart(2, "0")}Z0190f0e4-0000-7000-8000-${String(i).padStart(12, "0")}`;

  it("returns undefined without a warning when there is no langsmith-trace", () => {
    expect(fromHeaders({})).toBeUndefined();
    expect(
      fromHeaders(new Headers({ traceparent: "00-0190f0e4000070008000000000000001-8000000000000002-01" })),
    ).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it.each([
    ["garbage", "not a dotted order"],
    ["a bad UUID", "20240501T120000123456Z0190f0e4-0000-7000-8000-00000000000g"],
    ["a short UUID", "20240501T120000123456Z0190f0e4-0000-7000-8000"],
    ["a bad time", "20241399T120000123456Z0190f0e4-0000-7000-8000-000000000001"],
    ["a child before its parent", `20240501T120000123456Z${ROOT}.20240501T110000000000Z${PARENT}`],
    ["an empty segment", `${TRACE}.`],
    ["a header injection", `20240501T120000123456Z${ROOT}\r\nSet-Cookie: x=1`],
    ["two values", [TRACE, TRACE]],
    ["too many segments", Array.from({ length: 65 }, (_, i) => segment(i)).join(".")],
    ["a megabyte", "2".repeat(1 << 20)],
  ])("ignores a langsmith-trace with %s, with a warning", (_, value) => {
    expect(fromHeaders({ "langsmith-trace": value })).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(["invalid_header"]);
  });

  it("accepts 64 segments, upper-case ids and header names in any case", () => {
    const deep = Array.from({ length: 64 }, (_, i) => segment(i)).join(".");
    expect(fromHeaders({ "langsmith-trace": deep })?.dotted_order).toBe(deep);
    const upper = fromHeaders({ "LangSmith-Trace": TRACE.toUpperCase() });
    expect(upper?.id).toBe(PARENT);
    expect(warnings).toEqual([]);
  });

  it("keeps the trace and drops a baggage header over 8 KiB", () => {
    const baggage = `langsmith-metadata=${encodeURIComponent(JSON.stringify({ blob: "x".repeat(9000) }))}`;
    const run = fromHeaders({ "langsmith-trace": TRACE, baggage });
    expect(run?.id).toBe(PARENT);
    expect(run?.metadata).toEqual({});
    expect(warnings.map((w) => w.code)).toEqual(["invalid_header"]);
  });

  it("drops malformed or hostile baggage entries one by one and keeps the rest", () => {
    const baggage = [
      "userId=42", // another vendor's entry: ignored quietly
      "langsmith-metadata=%7B%22__proto__%22%3A%7B%22polluted%22%3Atrue%7D%2C%22ok%22%3A1%7D",
      "langsmith-tags=good%2Cbad%0Atag",
      "langsmith-project=evil%0D%0ASet-Cookie%3A%20x%3D1",
    ].join(",");
    const run = fromHeaders({ "langsmith-trace": TRACE, baggage });
    expect(run?.metadata).toEqual({ ok: 1 });
    expect(Object.getPrototypeOf(run?.metadata)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(run?.tags).toEqual(["good"]);
    expect(run?.project_name).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(["invalid_header", "invalid_header", "invalid_header"]);
  });

  it.each([
    ["malformed percent-encoding", "langsmith-metadata=%E0%A4%A"],
    ["metadata that is not JSON", "langsmith-metadata=%7Bnope"],
    ["metadata that is an array", "langsmith-metadata=%5B1%2C2%5D"],
    ["an empty project", "langsmith-project="],
  ])("ignores %s in baggage, with a warning", (_, baggage) => {
    const run = fromHeaders({ "langsmith-trace": TRACE, baggage });
    expect(run).toMatchObject({ id: PARENT, metadata: {}, tags: [] });
    expect(warnings.map((w) => w.code)).toEqual(["invalid_header"]);
  });

  it("never throws, whatever the headers object does", () => {
    const hostile = {
      get(): string {
        throw new Error("getter exploded");
      },
    };
    expect(fromHeaders(hostile)).toBeUndefined();
    expect(fromHeaders({ "langsmith-trace": 42 } as unknown as Record<string, string>)).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(["invalid_header"]);
  });

  it("encodes whatever the run holds, so nothing it carries can break out of the header", () => {
    const run = fromHeaders({ "langsmith-trace": TRACE }) as CurrentRun;
    const headers = toHeaders({
      ...run,
      metadata: { note: "line\r\nX-Injected: 1", big: 10n },
      tags: ["a\r\nb"],
      project_name: "p\r\nq",
    });
    for (const value of Object.values(headers)) expect(value).not.toMatch(/[\r\n]/);
    expect(fromHeaders(headers)?.metadata).toEqual({ note: "line\r\nX-Injected: 1", big: "10" });
  });

  it("writes no headers for a run without a valid dotted order, with a warning", () => {
    expect(toHeaders({ dotted_order: "nonsense" })).toEqual({});
    expect(warnings.map((w) => w.code)).toEqual(["invalid_run"]);
  });

  it("leaves metadata out of an outgoing baggage header that would exceed 8 KiB", () => {
    const run = fromHeaders({ "langsmith-trace": TRACE }) as CurrentRun;
    const headers = toHeaders({ ...run, metadata: { blob: "x".repeat(9000) }, tags: ["kept"] });
    expect(headers.baggage).toBe("langsmith-tags=kept");
    expect(warnings.map((w) => w.code)).toEqual(["baggage_too_large"]);
  });
});
