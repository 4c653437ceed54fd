import { describe, expect, it } from "vitest";
import { CallbackManager, withCallbacks, type CallbackHandler } from "../../callbacks/index.js";
import { RunSchema, type Run } from "../../schemas/index.js";
import { fromHeaders, getCurrentRun, traceable, type CurrentRun } from "../../src/tracing/index.js";
import { handedOverCount } from "../../src/tracing/run-registry.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { chatResult, memoryTracer, named } from "../support/tracing-helpers.js";

const warnings = captureWarnings();

/** What getCurrentRun() says must be what the exported record says. */
function expectSameRun(seen: CurrentRun | undefined, run: Run): void {
  expect(seen).toBeDefined();
  expect({
    id: seen?.id,
    trace_id: seen?.trace_id,
    dotted_order: seen?.dotted_order,
    parent_run_id: seen?.parent_run_id,
    start_time: seen?.start_time,
    name: seen?.name,
    run_type: seen?.run_type,
    tags: seen?.tags,
    metadata: seen?.metadata,
  }).toEqual({
    id: run.id,
    trace_id: run.trace_id,
    dotted_order: run.dotted_order,
    parent_run_id: run.parent_run_id,
    start_time: run.start_time,
    name: run.name,
    run_type: run.run_type,
    tags: run.tags,
    metadata: run.extra?.metadata,
  });
}

describe("traceable: the four kinds of function", () => {
  it("traces a sync function: returns synchronously, records inputs and outputs", async () => {
    const { tracer, runs } = memoryTracer();
    const add = traceable((a: number, b: number) => a + b, { name: "add", tracer });
    const shout = traceable((text: string) => text.toUpperCase(), { tracer });
    const pack = traceable((input: { x: number }) => ({ doubled: input.x * 2 }), { name: "pack", tracer });
    expect(add(2, 3)).toBe(5);
    expect(shout("hi")).toBe("HI");
    expect(pack({ x: 4 })).toEqual({ doubled: 8 });
    const all = await runs();
    expect(named(all, "add")).toMatchObject({ inputs: { args: [2, 3] }, outputs: { output: 5 }, run_type: "chain" });
    expect(named(all, "pack")).toMatchObject({ inputs: { x: 4 }, outputs: { doubled: 8 } });
    expect(all.map((run) => run.name)).toContain("chain"); // an anonymous function is named after its run type
    for (const run of all) expect(() => RunSchema.parse(run)).not.toThrow();
  });

  it("traces an async function", async () => {
    const { tracer, runs } = memoryTracer();
    const fetchUser = traceable(
      async (id: string) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return { id, name: "Ada" };
      },
      { name: "fetchUser", tracer, runType: "tool" },
    );
    await expect(fetchUser("u1")).resolves.toEqual({ id: "u1", name: "Ada" });
    const [run] = await runs();
    expect(run).toMatchObject({
      name: "fetchUser",
      run_type: "tool",
      inputs: { input: "u1" },
      outputs: { id: "u1", name: "Ada" },
    });
    expect(Date.parse(run?.end_time as string)).toBeGreaterThanOrEqual(Date.parse(run?.start_time as string));
  });

  it("traces a generator: the run spans the iteration and collects the yielded values", async () => {
    const { tracer, runs } = memoryTracer();
    const seen: (CurrentRun | undefined)[] = [];
    // A named function's name is the run's name.
    const count = traceable(
      function* counter(n: number) {
        for (let i = 0; i < n; i++) {
          seen.push(getCurrentRun());
          yield i;
        }
        return "done";
      },
      { tracer },
    );
    const generator = count(3);
    expect(tracer.size).toBe(0); // not started before the first step
    expect([...generator]).toEqual([0, 1, 2]);
    const [run] = await runs();
    expect(run).toMatchObject({
      name: "counter",
      inputs: { input: 3 },
      outputs: { output: [0, 1, 2, "done"] }, // the return value after the yielded ones (langsmith's rule)
      status: "success",
    });
    expect(new Set(seen.map((current) => current?.id))).toEqual(new Set([run?.id]));
    count(5); // never iterated: nothing recorded, nothing held
    expect(await runs()).toHaveLength(1);
    for (const i of count(10)) if (i === 1) break; // stopped early: ends with what was yielded
    expect((await runs())[1]).toMatchObject({ outputs: { output: [0, 1] }, status: "success" });
    expect(tracer.size).toBe(0);
  });

  it("traces an async generator, including a consumer that stops early", async () => {
    const { tracer, runs } = memoryTracer();
    let cleanedUp = false;
    const stream = traceable(
      async function* () {
        try {
          for (let i = 0; ; i++) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            yield `token-${i}`;
          }
        } finally {
          cleanedUp = true;
        }
      },
      { name: "stream", tracer },
    );
    const received: string[] = [];
    for await (const token of stream()) {
      received.push(token);
      if (received.length === 3) break;
    }
    expect(cleanedUp).toBe(true);
    const [run] = await runs();
    expect(run).toMatchObject({ name: "stream", outputs: { output: received }, status: "success" });
    expect(run?.error).toBeUndefined();
    expect(tracer.size).toBe(0);
  });

  it("traces a function that returns an async iterable, keeping the object and its methods", async () => {
    const { tracer, runs } = memoryTracer();
    class Stream {
      aborted = false;
      abort(): void {
        this.aborted = true;
      }
      async *[Symbol.asyncIterator](): AsyncGenerator<string> {
        yield "a";
        yield "b";
      }
    }
    const source = new Stream();
    const open = traceable(async () => source, { name: "open", tracer });
    const stream = await open();
    expect(stream).toBe(source);
    const chunks: string[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    stream.abort();
    expect(chunks).toEqual(["a", "b"]);
    expect((await runs())[0]).toMatchObject({ name: "open", outputs: { output: ["a", "b"] } });
  });

  it("records errors and rethrows them, for every kind", async () => {
    const { tracer, runs } = memoryTracer();
    const boom = new Error("boom");
    const sync = traceable(
      () => {
        throw boom;
      },
      { name: "sync", tracer },
    );
    const async = traceable(
      async () => {
        throw boom;
      },
      { name: "async", tracer },
    );
    const generator = traceable(
      function* () {
        yield 1;
        throw boom;
      },
      { name: "generator", tracer },
    );
    const asyncGenerator = traceable(
      async function* () {
        yield 1;
        throw boom;
      },
      { name: "asyncGenerator", tracer },
    );
    expect(() => sync()).toThrow(boom);
    await expect(async()).rejects.toBe(boom);
    expect(() => [...generator()]).toThrow(boom);
    await expect(
      (async () => {
        for await (const _ of asyncGenerator()) void _;
      })(),
    ).rejects.toBe(boom);
    const all = await runs();
    for (const name of ["sync", "async", "generator", "asyncGenerator"]) {
      const run = named(all, name);
      expect(run.status).toBe("error");
      expect(run.error).toMatch(/^boom\n\nError: boom/);
      expect(run.events?.map((event) => event.name)).toEqual(["start", "error"]);
    }
    expect(tracer.size).toBe(0);
  });
});

describe("traceable: nesting, context and the current run", () => {
  it("nests traced calls and LLM calls made through CallbackManager.configure", async () => {
    const { tracer, runs } = memoryTracer();
    const seen: Record<string, CurrentRun | undefined> = {};
    const retrieve = traceable(
      async (query: string) => {
        seen.retrieve = getCurrentRun();
        return [`doc about ${query}`];
      },
      { name: "retrieve", runType: "retriever" },
    );
    const answer = traceable(
      async (question: string) => {
        seen.answer = getCurrentRun();
        const documents = await retrieve(question);
        const llm = CallbackManager.configure().handleChatModelStart({ id: ["ChatModel"] }, [
          [{ role: "user", content: question }],
        ]);
        void llm.handleLLMEnd(chatResult({ text: String(documents.length) }));
        return "42";
      },
      { name: "answer", tracer, tags: ["root-tag"], metadata: { user: "u1" } },
    );
    expect(getCurrentRun()).toBeUndefined();
    await answer("life");
    const all = await runs();
    const [root, retriever, llm] = [named(all, "answer"), named(all, "retrieve"), named(all, "ChatModel")];
    expectSameRun(seen.answer, root);
    expectSameRun(seen.retrieve, retriever);
    for (const child of [retriever, llm]) {
      expect(child.parent_run_id).toBe(root.id);
      expect(child.trace_id).toBe(root.id);
      expect(child.dotted_order.startsWith(`${root.dotted_order}.`)).toBe(true);
    }
    expect(retriever.dotted_order < llm.dotted_order).toBe(true);
    expect(root.tags).toEqual(["root-tag"]);
    expect(retriever.tags).toEqual([]); // tags stay on their run
    expect(retriever.extra?.metadata).toEqual({ user: "u1" }); // metadata is inherited
    expect([root.execution_order, retriever.execution_order, llm.execution_order]).toEqual([1, 2, 3]);
    expect(handedOverCount()).toBe(0);
  });

  it("keeps concurrent traces apart", async () => {
    const { tracer, runs } = memoryTracer();
    const leaf = traceable(
      async (i: number) => {
        await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
        return getCurrentRun()?.parent_run_id;
      },
      { name: "leaf" },
    );
    const root = traceable(
      async (i: number) => {
        await new Promise((resolve) => setTimeout(resolve, i % 3));
        const parents = await Promise.all([leaf(i), leaf(i + 1)]);
        return { self: getCurrentRun()?.id, parents };
      },
      { name: "root", tracer },
    );
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => root(i)));
    for (const { self, parents } of results) expect(parents).toEqual([self, self]);
    const all = await runs();
    const roots = new Map(all.filter((run) => run.name === "root").map((run) => [run.id, run]));
    expect(roots.size).toBe(20);
    for (const run of all.filter((run) => run.name === "leaf")) {
      const parent = roots.get(run.parent_run_id as string);
      expect(run.trace_id).toBe(parent?.id);
      expect(run.dotted_order.startsWith(`${parent?.dotted_order}.`)).toBe(true);
    }
  });

  it("reports to the ambient handlers without a tracer, and adds the tracer when given", async () => {
    const { tracer: ambient, runs: ambientRuns } = memoryTracer();
    const { tracer: explicit, runs: explicitRuns } = memoryTracer();
    const inner = traceable(() => "inner", { name: "inner" });
    const viaAmbient = traceable(() => inner(), { name: "viaAmbient" });
    const viaOption = traceable(() => inner(), { name: "viaOption", tracer: explicit });
    withCallbacks([ambient], () => viaAmbient());
    viaOption();
    expect((await ambientRuns()).map((run) => run.name)).toEqual(["inner", "viaAmbient"]);
    expect((await explicitRuns()).map((run) => run.name)).toEqual(["inner", "viaOption"]);
  });

  it("nests under a run it did not start, through the tracer that knows it", async () => {
    const { tracer, runs } = memoryTracer();
    const step = traceable(() => getCurrentRun(), { name: "step" });
    const chain = CallbackManager.configure({ callbacks: [tracer] }).handleChainStart({ name: "manual" }, {});
    void chain.runInContext(() => chain.getChild().handleToolStart({ name: "sibling" }, "x").handleToolEnd("y"));
    const seen = chain.runInContext(() => step());
    void chain.handleChainEnd({});
    const all = await runs();
    const [manual, sibling, traced] = [named(all, "manual"), named(all, "sibling"), named(all, "step")];
    expectSameRun(seen, traced);
    expect(traced.parent_run_id).toBe(manual.id);
    expect(sibling.dotted_order < traced.dotted_order).toBe(true);
    expect(warnings).toEqual([]);
  });

  it("continues a run captured with getCurrentRun() as an explicit parent, outside its context", async () => {
    const { tracer, runs } = memoryTracer();
    let captured: CurrentRun | undefined;
    const enqueue = traceable(
      () => {
        captured = getCurrentRun();
      },
      { name: "enqueue", tracer, metadata: { job: "j1" } },
    );
    enqueue();
    const work = traceable(() => getCurrentRun(), { name: "work", tracer, parent: captured });
    const seen = work();
    const all = await runs();
    const [parent, child] = [named(all, "enqueue"), named(all, "work")];
    expectSameRun(seen, child);
    expect(child.parent_run_id).toBe(parent.id);
    expect(child.trace_id).toBe(parent.id);
    expect(child.dotted_order.startsWith(`${parent.dotted_order}.`)).toBe(true);
  });

  it("joins a remote trace from headers: same trace, right dotted order, the remote project", async () => {
    const { tracer, runs } = memoryTracer({ projectName: "local-project" });
    const remote =
      "20240501T120000123456Z0190f0e4-0000-7000-8000-000000000001.20240501T120000200000Z0190f0e4-0000-7000-8000-000000000002";
    const parent = fromHeaders({
      "langsmith-trace": remote,
      baggage: "langsmith-project=remote-project,langsmith-metadata=%7B%22tenant%22%3A%22t1%22%7D",
    });
    const handle = traceable(() => getCurrentRun(), { name: "handle", tracer, parent });
    const inner = traceable(() => getCurrentRun(), { name: "inner" });
    const outer = traceable(() => inner(), { name: "outer", tracer, parent });
    const seen = handle();
    const seenInner = outer();
    const all = await runs();
    const run = named(all, "handle");
    expectSameRun(seen, run);
    expect(run.trace_id).toBe("0190f0e4-0000-7000-8000-000000000001");
    expect(run.parent_run_id).toBe("0190f0e4-0000-7000-8000-000000000002");
    expect(run.dotted_order.startsWith(`${remote}.`)).toBe(true);
    expect(run.dotted_order.split(".")).toHaveLength(3);
    expect(run.session_name).toBe("remote-project");
    expect(run.execution_order).toBe(1);
    expectSameRun(seenInner, named(all, "inner"));
    expect(named(all, "inner").dotted_order.split(".")).toHaveLength(4);
    expect(named(all, "inner").session_name).toBe("remote-project");
    expect(named(all, "outer").dotted_order > run.dotted_order).toBe(true); // siblings under the remote parent
    expect(tracer.size).toBe(0);
  });

  it("passes `this` through and keeps the function's name", () => {
    const counter = {
      count: 0,
      increment: traceable(function increment(this: { count: number }, by: number) {
        this.count += by;
        return this.count;
      }),
    };
    expect(counter.increment(2)).toBe(2);
    expect(counter.increment.name).toBe("increment");
  });

  it("warns and roots the run when a tracer is listening but nobody knows the parent", async () => {
    const { tracer, runs } = memoryTracer();
    const handler: CallbackHandler = {};
    const orphan = new CallbackManager({ parentRunId: "0190f0e4-0000-7000-8000-00000000000f", handlers: [handler] });
    const chain = orphan.handleChainStart({ name: "unrecorded" }, {});
    const seen = chain.runInContext(() => traceable(() => getCurrentRun(), { name: "lost", tracer })());
    const [run] = await runs();
    expect(seen?.parent_run_id).toBeUndefined();
    expectSameRun(seen, run as Run);
    expect(warnings.map((w) => w.code)).toEqual(["unknown_parent"]);
  });
});
