/**
 * What a traced iterator needs from its run: `enter` runs one step of the underlying iterator inside
 * the run (starting the run on the first step); `end` is called exactly once, when iteration
 * finishes, throws, or is stopped early, with every value yielded so far. An iterator closed before
 * its first step records nothing.
 */
export interface IterationRun {
  enter<T>(step: () => T): T;
  /** Whether the run has started (a step was taken). */
  readonly started: boolean;
  end(values: unknown[], error?: { error: unknown }): void;
}

/**
 * Wraps a sync iterator (a generator's) so its steps run inside `run` and the run ends with the
 * yielded values when iteration completes, throws or is stopped with `return()` (a `break`).
 *
 * @example
 * const traced = traceIterator(generator, run); // for (const x of traced) …
 */
export function traceIterator<T, R, N>(inner: Iterator<T, R, N>, run: IterationRun): Generator<T, R, N> {
  const values: T[] = [];
  let done = false;
  const finish = (error?: { error: unknown }): void => {
    if (done) return;
    done = true;
    if (run.started) run.end(values, error);
  };
  const step = (advance: () => IteratorResult<T, R>): IteratorResult<T, R> => {
    let result: IteratorResult<T, R>;
    try {
      result = run.enter(advance);
    } catch (error) {
      finish({ error });
      throw error;
    }
    if (result.done === true) {
      // A generator's return value is recorded after what it yielded (langsmith's rule).
      if (result.value !== undefined) values.push(result.value as unknown as T);
      finish();
    } else values.push(result.value);
    return result;
  };
  const traced: Generator<T, R, N> = {
    next: (...args: [] | [N]) => (done ? { done: true, value: undefined as R } : step(() => inner.next(...args))),
    return: (value: R) => {
      if (done || inner.return === undefined || !run.started) {
        finish();
        return { done: true, value };
      }
      return step(() => (inner.return as (value: R) => IteratorResult<T, R>)(value));
    },
    throw: (error: unknown) => {
      if (done || inner.throw === undefined || !run.started) {
        finish({ error });
        throw error;
      }
      return step(() => (inner.throw as (error: unknown) => IteratorResult<T, R>)(error));
    },
    [Symbol.iterator]: () => traced,
  };
  return traced;
}

/**
 * Wraps an async iterator (an async generator's, a stream's) so its steps run inside `run` and the
 * run ends with the yielded values when iteration completes, throws or is stopped with `return()`.
 *
 * @example
 * for await (const chunk of traceAsyncIterator(stream[Symbol.asyncIterator](), run)) …
 */
export function traceAsyncIterator<T, R, N>(inner: AsyncIterator<T, R, N>, run: IterationRun): AsyncGenerator<T, R, N> {
  const values: T[] = [];
  let done = false;
  const finish = (error?: { error: unknown }): void => {
    if (done) return;
    done = true;
    if (run.started) run.end(values, error);
  };
  const step = async (advance: () => Promise<IteratorResult<T, R>>): Promise<IteratorResult<T, R>> => {
    let result: IteratorResult<T, R>;
    try {
      result = await run.enter(advance);
    } catch (error) {
      finish({ error });
      throw error;
    }
    if (result.done === true) finish();
    else values.push(result.value);
    return result;
  };
  const traced: AsyncGenerator<T, R, N> = {
    next: (...args: [] | [N]) =>
      done ? Promise.resolve({ done: true, value: undefined as R }) : step(() => inner.next(...args)),
    return: async (value: R | PromiseLike<R>) => {
      if (done || inner.return === undefined || !run.started) {
        finish();
        return { done: true, value: await value };
      }
      return step(() => (inner.return as (value: R | PromiseLike<R>) => Promise<IteratorResult<T, R>>)(value));
    },
    throw: async (error: unknown) => {
      if (done || inner.throw === undefined || !run.started) {
        finish({ error });
        throw error;
      }
      return step(() => (inner.throw as (error: unknown) => Promise<IteratorResult<T, R>>)(error));
    },
    [Symbol.asyncIterator]: () => traced,
  };
  return traced;
}
