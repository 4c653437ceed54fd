import { newRunId } from "../../callbacks/run-id.js";
import { CallbackManager, type CallbackHandler, type CallbackManagerForChainRun } from "../../callbacks/index.js";
import { isBridgeHandler } from "../../callbacks/langchain-bridge-handler.js";
import { langChainRunnableConfig } from "../../callbacks/langchain-bridge.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { isThenable } from "../../callbacks/is-thenable.js";
import type { RunType } from "../../schemas/index.js";
import { nowMicros } from "./clock.js";
import { describeRun, getCurrentRun, placementOfRun, runAsCurrent, type CurrentRun } from "./current-run.js";
import { placeChild, placeRoot, type RunPlacement } from "./run-placement.js";
import { findPlacement, handOverPlacement, hasPlacementSource } from "./run-registry.js";
import { traceAsyncIterator, traceIterator, type IterationRun } from "./traced-iterators.js";

/** Options of `traceable`. */
export interface TraceableOptions {
  /** The run's name; default the function's name, else the run type. */
  name?: string;
  /** Default "chain". */
  runType?: RunType;
  /** Tags of this run (children do not inherit them). */
  tags?: readonly string[];
  /** Metadata of this run, inherited by its children. */
  metadata?: Readonly<Record<string, unknown>>;
  /**
   * The run to nest under, instead of the current one: a run from `getCurrentRun()` (e.g. captured
   * before handing work to a queue) or from `fromHeaders()` (a caller in another service).
   */
  parent?: CurrentRun;
  /** A handler (typically a RunTracer) added to this run and inherited by everything inside it. */
  tracer?: CallbackHandler;
}

type Callable = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps a function so each call is a run: a chain run (or `runType`) reported to the ambient handlers
 * (`withCallbacks`) and to `tracer`. Runs started inside the call (nested traced functions, model calls
 * through `CallbackManager.configure`, LangChain.js runs) become its children, through
 * AsyncLocalStorage; `getCurrentRun()` inside returns it. Inputs are the arguments (`{ ...arg }` for
 * one plain object, `{ input }` for one other value, `{ args }` for several); outputs are the result
 * (`{ output }` unless a plain object). Errors are recorded and rethrown.
 *
 * Works for sync and async functions, generators and functions returning async iterables: such a run
 * ends when iteration completes, throws, or stops early (`break`, `return()`: a normal end with what
 * was yielded), and its output is `{ output: [...yielded values] }`. A generator function's run
 * starts at its first step, so a generator that is never iterated records nothing; an iterable
 * returned by an ordinary function is iterated inside the run the call started.
 *
 * @example
 * const retrieve = traceable(async (query: string) => search(query), { runType: "retriever" });
 * const answer = traceable(async (question: string) => {
 *   const documents = await retrieve(question); // a child run
 *   return llm.invoke([question, ...documents]);
 * }, { name: "answer", tracer: new RunTracer() });
 * await answer("What is runledger?");
 */
export function traceable<F extends (...args: never[]) => unknown>(fn: F, options: TraceableOptions = {}): F {
  const runType = options.runType ?? "chain";
  const name = options.name ?? (fn.name !== "" ? fn.name : runType);
  const body = fn as unknown as Callable;
  const kind = Object.prototype.toString.call(fn);
  const isGeneratorFunction = /^\[object (Async)?GeneratorFunction\]$/.test(kind);
  const isAsyncFunction = kind === "[object AsyncFunction]";
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    const run = new TracedRun(prepare(options), name, runType, inputsOf(args));
    if (isGeneratorFunction) return traceResult(body.apply(this, args), run); // its run starts at the first step
    const call = (): unknown => {
      let result: unknown;
      try {
        result = run.enter(() => body.apply(this, args));
      } catch (error) {
        inBackground(run.fail(error));
        throw error;
      }
      return traceResult(result, run);
    };
    let started: Promise<void> | undefined;
    try {
      started = run.begin();
    } catch (error) {
      // A raiseError handler refused the start (LangChain.js: the call fails before its body runs).
      if (isAsyncFunction) return Promise.reject(error);
      throw error;
    }
    if (started === undefined) return call();
    // An awaited handler is still handling the start: an async function's body waits for it, so a
    // raiseError handler's rejection reaches the caller instead of the body running.
    if (isAsyncFunction) return started.then(call, (error: unknown) => Promise.reject(run.abandon(error)));
    const result = call();
    if (isThenable(result)) return Promise.all([started, result]).then(([, value]) => value);
    inBackground(started);
    return result;
  };
  Object.defineProperty(traced, "name", { value: fn.name });
  return traced as unknown as F;
}

/** Who receives the run and where it nests, decided when the traced function is called. */
interface RunSetup {
  manager: CallbackManager;
  parent: RunPlacement | undefined;
}

function prepare(options: TraceableOptions): RunSetup {
  const explicit = options.parent === undefined ? undefined : placementOfRun(options.parent);
  const manager = CallbackManager.configure({
    // A manager as `callbacks` sets the parent run id of what it starts: the explicit parent, else
    // the LangChain.js runnable this call is made in (its handlers and run), if any.
    callbacks: explicit === undefined ? langChainParent() : new CallbackManager({ parentRunId: explicit.id }),
    localTags: options.tags,
    metadata: options.metadata,
  });
  if (options.tracer !== undefined) manager.addHandler(options.tracer);
  return { manager, parent: explicit ?? ambientParent(manager) };
}

/**
 * The LangChain.js runnable this call is made in, as a manager to continue from: its run as parent,
 * its inheritable handlers (a tracer passed in `callbacks: [...]`), tags and metadata. The bridge
 * handlers of runledger scopes are left out: those scopes' handlers are ambient here already.
 */
function langChainParent(): CallbackManager | undefined {
  const callbacks = langChainRunnableConfig()?.callbacks as LangChainManagerLike | undefined;
  if (typeof callbacks !== "object" || callbacks === null) return undefined;
  const parentRunId = typeof callbacks.getParentRunId === "function" ? callbacks.getParentRunId() : undefined;
  if (typeof parentRunId !== "string") return undefined;
  const handlers = (Array.isArray(callbacks.inheritableHandlers) ? callbacks.inheritableHandlers : []).filter(
    (handler) => !isBridgeHandler(handler),
  );
  const tags = Array.isArray(callbacks.inheritableTags) ? callbacks.inheritableTags : [];
  const metadata = callbacks.inheritableMetadata ?? {};
  return new CallbackManager({
    parentRunId,
    handlers,
    inheritableHandlers: handlers,
    tags,
    inheritableTags: tags,
    metadata,
    inheritableMetadata: metadata,
  });
}

/** What traceable reads of a LangChain.js CallbackManager. */
interface LangChainManagerLike {
  getParentRunId?: () => unknown;
  inheritableHandlers?: CallbackHandler[];
  inheritableTags?: string[];
  inheritableMetadata?: Record<string, unknown>;
}

/** The placement of the run the ambient context nests new runs under, if anyone knows it. */
function ambientParent(manager: CallbackManager): RunPlacement | undefined {
  const parentId = manager.parentRunId;
  if (parentId === undefined) return undefined;
  const current = getCurrentRun();
  const placement = current?.id === parentId ? placementOfRun(current) : findPlacement(manager.handlers, parentId);
  if (placement === undefined && hasPlacementSource(manager.handlers)) {
    emitWarning("unknown_parent", `Traced run's parent ${parentId} is not known to any tracer; recorded as a root`);
  }
  return placement;
}

/** One call of a traced function as a run: started on first entry, ended once. */
class TracedRun implements IterationRun {
  private active: { manager: CallbackManagerForChainRun; current: CurrentRun } | undefined;

  constructor(
    private readonly setup: RunSetup,
    private readonly name: string,
    private readonly runType: RunType,
    private readonly inputs: Record<string, unknown>,
  ) {}

  get started(): boolean {
    return this.active !== undefined;
  }

  /** Starts the run now; the promise of the start event's awaited handlers, if any. */
  begin(): Promise<void> | undefined {
    return (this.active ?? this.start()).manager.started;
  }

  enter<T>(step: () => T): T {
    const { manager, current } = this.active ?? this.start();
    return manager.runInContext(() => runAsCurrent(current, step));
  }

  end(values: unknown[], error?: { error: unknown }): void {
    // A generator that threw keeps what it yielded (langsmith's rule).
    inBackground(error === undefined ? this.succeed(values) : this.fail(error.error, { output: values }));
  }

  succeed(output: unknown): Promise<void> | undefined {
    return this.active?.manager.handleChainEnd(valuesOf(output, "output"));
  }

  fail(error: unknown, outputs?: Record<string, unknown>): Promise<void> | undefined {
    try {
      return this.active?.manager.handleChainError(error, undefined, undefined, undefined, { outputs });
    } catch (handlerError) {
      // The caller gets the function's own error; a raiseError handler's comes second.
      inBackground(Promise.reject(handlerError));
      return undefined;
    }
  }

  /** The start was refused by a raiseError handler: the run ends with that error, which is returned. */
  abandon(error: unknown): unknown {
    inBackground(this.fail(error));
    return error;
  }

  private start(): { manager: CallbackManagerForChainRun; current: CurrentRun } {
    const { manager, parent } = this.setup;
    const id = newRunId();
    const placement = parent === undefined ? placeRoot(id, nowMicros()) : placeChild(parent, id, nowMicros());
    const current = describeRun(placement, {
      name: this.name,
      run_type: this.runType,
      tags: manager.tags,
      metadata: manager.metadata,
    });
    // Handlers read the placement while they handle the start event, so they record it as is.
    const runManager = handOverPlacement(placement, () =>
      manager.handleChainStart({ name: this.name }, this.inputs, id, this.runType, undefined, undefined, this.name),
    );
    this.active = { manager: runManager, current };
    return this.active;
  }
}

/** Ends the run now, when the result settles, or when iterating the result ends. */
function traceResult(result: unknown, run: TracedRun): unknown {
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      async (value) => {
        if (isAsyncIterable(value)) return traceAsyncIterable(value, run);
        await run.succeed(value); // a raiseError handler's rejection reaches the caller
        return value;
      },
      (error: unknown) => {
        inBackground(run.fail(error));
        throw error;
      },
    );
  }
  if (isGenerator(result)) {
    return traceIterator(result as Iterator<unknown>, run);
  }
  if (isAsyncIterable(result)) return traceAsyncIterable(result, run);
  inBackground(run.succeed(result));
  return result;
}

/**
 * An end event's promise nobody can await (the traced call already returned): a raiseError handler's
 * rejection becomes a warning, never an unhandled rejection.
 */
function inBackground(ended: Promise<void> | undefined): void {
  void ended?.then(undefined, (error: unknown) =>
    emitWarning(
      "handler_error",
      `A raiseError handler failed after the traced call had returned: ${error instanceof Error ? error.message : String(error)}`,
      error,
    ),
  );
}

/**
 * An async generator is replaced by a traced one. Another async iterable (a stream object) keeps its
 * identity and methods: its first iteration goes through the run.
 */
function traceAsyncIterable(iterable: AsyncIterable<unknown>, run: TracedRun): AsyncIterable<unknown> {
  if (Object.prototype.toString.call(iterable) === "[object AsyncGenerator]") {
    return traceAsyncIterator(iterable as AsyncGenerator<unknown>, run);
  }
  const iterate = iterable[Symbol.asyncIterator].bind(iterable);
  let traced = false;
  try {
    Object.defineProperty(iterable, Symbol.asyncIterator, {
      configurable: true,
      writable: true,
      value: () => {
        if (traced) return iterate();
        traced = true;
        return traceAsyncIterator(iterate(), run);
      },
    });
    return iterable;
  } catch {
    return traceAsyncIterator(iterate(), run); // a frozen object: hand back a traced iterator instead
  }
}

function inputsOf(args: unknown[]): Record<string, unknown> {
  if (args.length === 0) return {};
  if (args.length > 1) return { args: [...args] };
  return valuesOf(args[0], "input");
}

// A plain object's own fields, else `{ [key]: value }`. A value that cannot be read (a revoked Proxy,
// a throwing getter) is kept whole: it becomes a marker when the run is made JSON-safe, in the background.
function valuesOf(value: unknown, key: string): Record<string, unknown> {
  try {
    return isPlainObject(value) ? { ...value } : { [key]: value };
  } catch {
    return { [key]: value };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

// The result checks read the result's properties: a revoked Proxy or a throwing getter answers "no"
// (the result is returned to the caller as it is) rather than throwing into the caller.
function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && typeof readSafely(value, Symbol.asyncIterator) === "function";
}

function isGenerator(value: unknown): boolean {
  try {
    return Object.prototype.toString.call(value) === "[object Generator]";
  } catch {
    return false;
  }
}

function readSafely(value: object, key: PropertyKey): unknown {
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}
