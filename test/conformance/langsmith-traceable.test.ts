// Cases ported from langsmith JS (langchain-ai/langsmith-sdk, js/src/tests/traceable.test.ts): the
// same traced functions, the same calls, the same expected trees and run data, read from runledger's
// exported Run records instead of langsmith's mocked client calls. Where runledger differs by design
// the case asserts runledger's rule, named in README's "Differences from LangChain and LangSmith":
// outputs under `output` (langsmith: `outputs`), a consumer's `break` ends a run normally (langsmith:
// error "Cancelled"), errors recorded as message then stack, iterable / promise inputs not expanded.
import { AsyncLocalStorage } from "node:async_hooks";
import { RunTree } from "langsmith/run_trees";
import { describe, expect, it } from "vitest";
import { withCallbacks } from "../../callbacks/index.js";
import type { Run } from "../../schemas/index.js";
import { fromHeaders, RunTracer, traceable } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { memoryTracer } from "../support/tracing-helpers.js";

const warnings = captureWarnings();

/** langsmith's getAssumedTreeFromCalls, over exported runs: "name:i" in execution order, and edges. */
function treeOf(runs: readonly Run[]): { nodes: string[]; edges: [string, string][]; data: Record<string, Run> } {
  const ordered = [...runs].sort((a, b) => (a.dotted_order < b.dotted_order ? -1 : 1));
  const label = new Map(ordered.map((run, i) => [run.id, `${run.name}:${i}`]));
  const edges: [string, string][] = [];
  for (const run of ordered) {
    const parent =
      run.parent_run_id === undefined || run.parent_run_id === null ? undefined : label.get(run.parent_run_id);
    if (parent !== undefined) edges.push([parent, label.get(run.id) as string]);
  }
  const data = Object.fromEntries(ordered.map((run) => [label.get(run.id) as string, run]));
  return { nodes: ordered.map((run) => label.get(run.id) as string), edges, data };
}

/** Runs `fn` with a fresh tracer ambient and returns the exported tree. */
async function traced<T>(fn: () => T | Promise<T>): Promise<{ result: T; tree: ReturnType<typeof treeOf> }> {
  const { tracer, runs } = memoryTracer();
  const result = await withCallbacks([tracer], fn);
  return { result, tree: treeOf(await runs()) };
}

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

async function* giveMeNumbers() {
  for (let i = 0; i < 5; i++) yield i;
}

/** The tree of both "distributed tracing" cases: parent → child → child → child, twice. */
const RECURSIVE_CHILDREN = {
  nodes: ["parent:0", "child:1", "child:2", "child:3", "child:4", "child:5", "child:6"],
  edges: [
    ["parent:0", "child:1"],
    ["child:1", "child:2"],
    ["child:2", "child:3"],
    ["parent:0", "child:4"],
    ["child:4", "child:5"],
    ["child:5", "child:6"],
  ],
};

describe("langsmith js/src/tests/traceable.test.ts", () => {
  it("basic traceable implementation", async () => {
    const llmTraced = traceable(async function* llm(input: string) {
      for (const char of input.repeat(2).split("")) yield char;
    });
    const { tree } = await traced(() => drain(llmTraced("Hello world")));
    expect(tree).toMatchObject({ nodes: ["llm:0"], edges: [] });
  });

  it("nested traceable implementation", async () => {
    const llmTraced = traceable(async function llm(input: string) {
      return input.repeat(2);
    });
    const strTraced = traceable(async function* str(input: string) {
      for (const char of input.split("").reverse()) yield char;
    });
    const chainTraced = traceable(async function chain(input: string) {
      const question = await llmTraced(input);
      let answer = "";
      for await (const char of strTraced(question)) answer += char;
      return { question, answer };
    });
    const { result, tree } = await traced(() => chainTraced("Hello world"));
    expect(result).toEqual({ question: "Hello worldHello world", answer: "dlrow olleHdlrow olleH" });
    expect(tree).toMatchObject({
      nodes: ["chain:0", "llm:1", "str:2"],
      edges: [
        ["chain:0", "llm:1"],
        ["chain:0", "str:2"],
      ],
    });
    expect(warnings).toEqual([]);
  });

  it("nested traceable passes through LangChain context vars", async () => {
    const key = Symbol.for("lc:context_variables");
    const storage = (globalThis as { [k: symbol]: AsyncLocalStorage<Record<symbol, unknown>> | undefined })[
      Symbol.for("ls:tracing_async_local_storage")
    ];
    const als = storage ?? new AsyncLocalStorage<Record<symbol, unknown>>();
    const seen: unknown[] = [];
    const look = () => seen.push((als.getStore()?.[key] as { foo?: string } | undefined)?.foo);
    const llmTraced = traceable(async function llm(input: string) {
      look();
      return input.repeat(2);
    });
    const chainTraced = traceable(async function chain(input: string) {
      look();
      return llmTraced(input);
    });
    const { tree } = await als.run({ [key]: { foo: "bar" } }, () => traced(() => chainTraced("Hello world")));
    expect(seen).toEqual(["bar", "bar"]);
    expect(tree.nodes).toEqual(["chain:0", "llm:1"]);
  });

  it("trace circular input and output objects: valid JSON, a cycle marked '[Circular]' (langsmith: { result: '[Circular]' })", async () => {
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = { a };
    a.b = b;
    const fooTraced = traceable(async function foo(_: Record<string, unknown>) {
      return a;
    });
    const { tree } = await traced(() => fooTraced({ a, a2: a, normalParam: { test: true } }));
    const run = tree.data["foo:0"] as Run;
    expect(JSON.parse(JSON.stringify(run))).toMatchObject({
      inputs: { a: { b: { a: "[Circular]" } }, a2: { b: { a: "[Circular]" } }, normalParam: { test: true } },
      // The output record is a copy of `a`, so the cycle closes one level later than in the inputs.
      outputs: { b: { a: { b: "[Circular]" } } },
    });
  });

  it("distributed tracing default: runs continue a remote run given as parent", async () => {
    const client = new RunTree({ name: "client" });
    const child = traceable(async (depth = 0): Promise<number> => (depth < 2 ? child(depth + 1) : 3), {
      name: "child",
    });
    const parentRun = fromHeaders(client.toHeaders());
    const parentTraced = traceable(
      async function parent() {
        return (await child()) + (await child());
      },
      { parent: parentRun },
    );
    const { result, tree } = await traced(() => parentTraced());
    expect(result).toBe(6);
    expect(tree.nodes).toEqual(RECURSIVE_CHILDREN.nodes);
    expect(tree.edges).toEqual(RECURSIVE_CHILDREN.edges);
    expect(tree.data["parent:0"]?.parent_run_id).toBe(client.id);
    expect(tree.data["child:6"]?.trace_id).toBe(client.id);
  });

  it("distributed tracing sync function: a promise started inside and awaited outside still nests", async () => {
    const child = traceable(async (depth = 0): Promise<number> => (depth < 2 ? child(depth + 1) : 3), {
      name: "child",
    });
    const parentTraced = traceable(async function parent() {
      return (await child()) + (await child());
    });
    let outside: Promise<number> = Promise.resolve(0);
    const { tracer, runs } = memoryTracer();
    const response = withCallbacks([tracer], () => {
      outside = parentTraced();
    });
    expect(response).toBeUndefined();
    expect(await outside).toBe(6);
    const tree = treeOf(await runs());
    expect(tree.nodes).toEqual(RECURSIVE_CHILDREN.nodes);
    expect(tree.edges).toEqual(RECURSIVE_CHILDREN.edges);
  });

  it("metadata: given metadata lands in extra.metadata; the output under `output`", async () => {
    const main = traceable(async (): Promise<number> => 42, { name: "main", metadata: { customValue: "hello" } });
    const { tree } = await traced(() => main());
    expect(tree.data["main:0"]).toMatchObject({
      extra: { metadata: { customValue: "hello" } },
      outputs: { output: 42 },
    });
  });

  it("traceable continues execution when the exporter throws", async () => {
    const tracer = new RunTracer({
      exporter: {
        export: () => {
          throw new Error("Expected test client error");
        },
      },
      batch: { maxExportAttempts: 1 },
    } as ConstructorParameters<typeof RunTracer>[0]);
    const tracedFunction = traceable(async (value: number): Promise<number> => value * 2, {
      name: "errorTest",
      tracer,
    });
    expect(await tracedFunction(5)).toBe(10);
    await tracer.forceFlush();
  });
});

/** The tree both "nested invocation" cases expect. */
const PARENT_OF_TWO_CHILDREN = {
  nodes: ["parent:0", "child:1", "child:2"],
  edges: [
    ["parent:0", "child:1"],
    ["parent:0", "child:2"],
  ],
};

describe("langsmith js/src/tests/traceable.test.ts > async generators", () => {
  it("success", async () => {
    const iterable = traceable(giveMeNumbers);
    const { result, tree } = await traced(() => drain(iterable()));
    expect(result).toEqual([0, 1, 2, 3, 4]);
    expect(tree).toMatchObject({ nodes: ["giveMeNumbers:0"], edges: [] });
    expect(tree.data["giveMeNumbers:0"]?.outputs).toEqual({ output: [0, 1, 2, 3, 4] });
  });

  it("error: the run keeps the error and what was yielded before it", async () => {
    const throwTraceable = traceable(
      async function* () {
        for (let i = 0; i < 5; i++) {
          yield i;
          if (i === 2) throw new Error("I am bad");
        }
      },
      { name: "throwTraceable" },
    );
    const { tracer, runs } = memoryTracer();
    await expect(withCallbacks([tracer], () => drain(throwTraceable()))).rejects.toThrow("I am bad");
    const tree = treeOf(await runs());
    expect(tree.nodes).toEqual(["throwTraceable:0"]);
    expect(tree.data["throwTraceable:0"]?.error).toContain("Error: I am bad");
    expect(tree.data["throwTraceable:0"]?.outputs).toEqual({ output: [0, 1, 2] });
  });

  it("break: what was yielded is kept; the run ends normally (langsmith: error 'Cancelled')", async () => {
    const iterable = traceable(giveMeNumbers);
    const { tree } = await traced(async () => {
      for await (const _ of iterable()) break;
    });
    expect(tree.data["giveMeNumbers:0"]).toMatchObject({ outputs: { output: [0] }, status: "success" });
    expect(tree.data["giveMeNumbers:0"]?.error ?? undefined).toBeUndefined();
  });

  it("nested invocation", async () => {
    const childTraced = traceable(
      async function* child() {
        for (let i = 0; i < 5; i++) yield i;
      },
      { name: "child" },
    );
    const parentTraced = traceable(
      async function* parent() {
        for await (const num of childTraced()) yield num;
        for await (const num of childTraced()) yield 4 - num;
      },
      { name: "parent" },
    );
    const { result, tree } = await traced(() => drain(parentTraced()));
    expect(result).toEqual([0, 1, 2, 3, 4, 4, 3, 2, 1, 0]);
    expect(tree).toMatchObject(PARENT_OF_TWO_CHILDREN);
  });

  it("in promise success", async () => {
    const it = traceable(async function giveMeGiveMeNumbers() {
      return giveMeNumbers();
    });
    const { result, tree } = await traced(async () => drain(await it()));
    expect(result).toEqual([0, 1, 2, 3, 4]);
    expect(tree.data["giveMeGiveMeNumbers:0"]?.outputs).toEqual({ output: [0, 1, 2, 3, 4] });
  });

  it("in promise error", async () => {
    const it = traceable(async function giveMeGiveMeNumbers() {
      return (async function* () {
        for (let i = 0; i < 5; i++) {
          yield i;
          if (i === 2) throw new Error("I am bad");
        }
      })();
    });
    const { tracer, runs } = memoryTracer();
    await expect(withCallbacks([tracer], async () => drain(await it()))).rejects.toThrow("I am bad");
    const [run] = await runs();
    expect(run?.error).toContain("Error: I am bad");
    expect(run?.outputs).toEqual({ output: [0, 1, 2] });
  });

  it("in promise break", async () => {
    const it = traceable(async function giveMeGiveMeNumbers() {
      return giveMeNumbers();
    });
    const { tree } = await traced(async () => {
      for await (const _ of await it()) break;
    });
    expect(tree.data["giveMeGiveMeNumbers:0"]).toMatchObject({ outputs: { output: [0] }, status: "success" });
  });

  it("in promise nested invocation", async () => {
    const childTraced = traceable(async function child() {
      return (async function* () {
        for (let i = 0; i < 5; i++) yield i;
      })();
    });
    const parentTraced = traceable(async function parent() {
      return (async function* () {
        for await (const num of await childTraced()) yield num;
        for await (const num of await childTraced()) yield 4 - num;
      })();
    });
    const { result, tree } = await traced(async () => drain(await parentTraced()));
    expect(result).toEqual([0, 1, 2, 3, 4, 4, 3, 2, 1, 0]);
    expect(tree).toMatchObject(PARENT_OF_TWO_CHILDREN);
  });

  it("readable stream", async () => {
    const streamTraced = traceable(async function stream() {
      return new ReadableStream<number>({
        pull(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(i);
          controller.close();
        },
      });
    });
    const { result, tree } = await traced(async () =>
      drain((await streamTraced()) as unknown as AsyncIterable<number>),
    );
    expect(result).toEqual([0, 1, 2, 3, 4]);
    expect(tree.data["stream:0"]?.outputs).toEqual({ output: [0, 1, 2, 3, 4] });
  });

  it("iterable with props: the object keeps its properties", async () => {
    const iterableTraceable = traceable(function iterableWithProps() {
      return {
        *[Symbol.asyncIterator]() {
          yield 0;
        },
        prop: "value",
      };
    });
    const { tracer, runs } = memoryTracer();
    const iterable = withCallbacks([tracer], () => iterableTraceable());
    expect(await drain(iterable as unknown as AsyncIterable<number>)).toEqual([0]);
    expect(iterable.prop).toBe("value");
    expect(treeOf(await runs()).data["iterableWithProps:0"]?.outputs).toEqual({ output: [0] });
  });
});

describe("langsmith js/src/tests/traceable.test.ts > deferred input", () => {
  it("generator: values pass through and are recorded as outputs (the input generator is not expanded)", async () => {
    const parrotStreamTraced = traceable(async function* parrotStream(input: Generator<string>) {
      for (const token of input) yield token;
    });
    const { result, tree } = await traced(() =>
      drain(
        parrotStreamTraced(
          (function* () {
            yield* "Hello world".split(" ");
          })(),
        ),
      ),
    );
    expect(result).toEqual(["Hello", "world"]);
    expect(tree.data["parrotStream:0"]?.outputs).toEqual({ output: ["Hello", "world"] });
  });

  it("async generator", async () => {
    const parrotStreamTraced = traceable(async function* parrotStream(input: AsyncGenerator<string>) {
      for await (const token of input) yield token;
    });
    const { result, tree } = await traced(() =>
      drain(
        parrotStreamTraced(
          (async function* () {
            yield* "Hello world".split(" ");
          })(),
        ),
      ),
    );
    expect(result).toEqual(["Hello", "world"]);
    expect(tree.data["parrotStream:0"]?.outputs).toEqual({ output: ["Hello", "world"] });
  });

  it("readable stream", async () => {
    const parrotStreamTraced = traceable(async function* parrotStream(input: ReadableStream<string>) {
      for await (const token of input as unknown as AsyncIterable<string>) yield token;
    });
    const readStream = new ReadableStream<string>({
      start(controller) {
        for (const token of "Hello world".split(" ")) controller.enqueue(token);
        controller.close();
      },
    });
    const { result, tree } = await traced(() => drain(parrotStreamTraced(readStream)));
    expect(result).toEqual(["Hello", "world"]);
    expect(tree.data["parrotStream:0"]?.outputs).toEqual({ output: ["Hello", "world"] });
  });

  it("promise", async () => {
    const parrotStreamTraced = traceable(async function* parrotStream(input: Promise<string[]>) {
      if (!(input instanceof Promise)) throw new Error("Input must be a promise");
      for (const token of await input) yield token;
    });
    const { result, tree } = await traced(() => drain(parrotStreamTraced(Promise.resolve(["Hello", "world"]))));
    expect(result).toEqual(["Hello", "world"]);
    expect(tree.data["parrotStream:0"]?.outputs).toEqual({ output: ["Hello", "world"] });
  });

  it("promise rejection: the call rejects and the run records the error", async () => {
    const parrotStreamTraced = traceable(async function parrotStream(input: Promise<string[]>) {
      return await input;
    });
    const { tracer, runs } = memoryTracer();
    await expect(
      withCallbacks([tracer], () => parrotStreamTraced(Promise.reject(new Error("Rejected!")))),
    ).rejects.toThrow("Rejected!");
    const [run] = await runs();
    expect(run?.error).toContain("Error: Rejected!");
  });

  it("promise rejection, callback handling", async () => {
    const parrotStreamTraced = traceable(async function parrotStream(input: Promise<string[]>) {
      return input.then((value) => value);
    });
    const { tracer, runs } = memoryTracer();
    await expect(
      withCallbacks([tracer], () => parrotStreamTraced(Promise.reject(new Error("Rejected!")))),
    ).rejects.toThrow("Rejected!");
    expect((await runs())[0]?.error).toContain("Error: Rejected!");
  });
});

describe("langsmith js/src/tests/traceable.test.ts > generator", () => {
  function gatherAll(iterator: Iterator<unknown>): unknown[] {
    const chunks: unknown[] = [];
    for (;;) {
      const next = iterator.next();
      chunks.push(next.value);
      if (next.done === true) break;
    }
    return chunks;
  }

  it("yield", async () => {
    function* generator() {
      for (let i = 0; i < 3; ++i) yield i;
    }
    const { result, tree } = await traced(() => gatherAll(traceable(generator)()));
    expect(result).toEqual(gatherAll(generator()));
    expect(tree.data["generator:0"]?.outputs).toEqual({ output: [0, 1, 2] });
  });

  it("with return: the return value is recorded after the yielded ones", async () => {
    function* generator() {
      for (let i = 0; i < 3; ++i) yield i;
      return 3;
    }
    const { result, tree } = await traced(() => gatherAll(traceable(generator)()));
    expect(result).toEqual(gatherAll(generator()));
    expect(tree.data["generator:0"]?.outputs).toEqual({ output: [0, 1, 2, 3] });
  });

  it("nested", async () => {
    function* generator() {
      function* child() {
        for (let i = 0; i < 3; ++i) yield i;
      }
      for (let i = 0; i < 2; ++i) for (const num of child()) yield num;
      return 3;
    }
    const { result, tree } = await traced(() => gatherAll(traceable(generator)()));
    expect(result).toEqual(gatherAll(generator()));
    expect(tree).toMatchObject({ nodes: ["generator:0"], edges: [] });
    expect(tree.data["generator:0"]?.outputs).toEqual({ output: [0, 1, 2, 0, 1, 2, 3] });
  });
});
