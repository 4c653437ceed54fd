import { isThenable } from "../../../callbacks/is-thenable.js";

/** Reports the outcome of one call, whichever way its caller consumes the returned promise. */
export interface OutcomeObserver {
  /** True for the first consumption path only: a call's outcome is reported once. */
  claim(): boolean;
  /** Sees the parsed value; returns it (or a promise of it, when handlers must be awaited first). */
  readonly onValue: (value: unknown) => unknown;
  /** Sees the failure; rethrows it (possibly after awaited handlers). */
  readonly onError: (error: unknown) => never | Promise<never>;
  /** Sees the raw HTTP response when the caller takes it unparsed (`asResponse()`, `_responseProps()`); returns it. */
  readonly onRawResponse: (response: unknown) => unknown;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Observes a call's result and returns what the caller gets. A plain Promise is observed directly
 * (`await` would bypass any own `then`). An SDK promise (the `APIPromise` of OpenAI's and Anthropic's
 * SDKs) is returned itself, unchanged for its caller, with its consuming methods observed on the
 * instance: nothing is parsed before the caller asks, so `.asResponse()` still gets an unread body
 * and `._thenUnwrap()` (the SDKs' helpers build on it) still parses exactly once.
 *
 * @example
 * const promise = observeResult(completions.create(request), observer) as ReturnType<typeof completions.create>;
 * const { data, response } = await promise.withResponse(); // the SDK's own promise, observed
 */
export function observeResult(result: unknown, observer: OutcomeObserver): unknown {
  if (!isThenable(result)) {
    observer.claim();
    return observer.onValue(result);
  }
  // A frozen thenable cannot be observed in place: its caller gets a plain promise of the same outcome.
  if (Object.getPrototypeOf(result) === Promise.prototype || !Object.isExtensible(result)) {
    observer.claim();
    return result.then(observer.onValue, observer.onError);
  }
  observeLazily(result, observer);
  return result;
}

function observeLazily(promise: PromiseLike<unknown> & object, observer: OutcomeObserver): void {
  const original = (name: string): Method | undefined => {
    const method = (promise as Record<string, unknown>)[name];
    return typeof method === "function" ? (method as Method) : undefined;
  };
  const then = promise.then as Method;
  const withResponse = original("withResponse");
  const asResponse = original("asResponse");
  const thenUnwrap = original("_thenUnwrap");
  const responseProps = original("_responseProps");
  const withRawResponse = original("withRawResponse");
  // The caller's view of the outcome, once a parsing method was called; our reactions are registered
  // first, so handlers (and in-place stream instrumentation) run before the caller sees the value.
  let settled: Promise<unknown> | undefined;
  const outcome = (): Promise<unknown> =>
    (settled ??= Promise.resolve(
      (observer.claim()
        ? then.call(promise, observer.onValue, observer.onError)
        : then.call(promise)) as PromiseLike<unknown>,
    ));

  define(promise, "then", (onFulfilled?: unknown, onRejected?: unknown) =>
    outcome().then(onFulfilled as (value: unknown) => unknown, onRejected as (error: unknown) => unknown),
  );
  define(promise, "catch", (onRejected?: unknown) =>
    outcome().then(undefined, onRejected as (error: unknown) => unknown),
  );
  define(promise, "finally", (onFinally?: unknown) => outcome().finally(onFinally as () => void));
  if (withResponse !== undefined) {
    define(promise, "withResponse", () => {
      const observed = outcome();
      return Promise.all([withResponse.call(promise), observed]).then(first);
    });
  }
  if (asResponse !== undefined) {
    define(promise, "asResponse", () => {
      const response = asResponse.call(promise) as PromiseLike<unknown>;
      // Taken raw, before any parse: the body is the caller's, the observer reads what it can of it.
      if (settled !== undefined || !observer.claim()) return response;
      return Promise.resolve(response).then(observer.onRawResponse, observer.onError);
    });
  }
  if (responseProps !== undefined) {
    // Anthropic's message threads take the response with its request data and parse it themselves.
    define(promise, "_responseProps", () => {
      const props = responseProps.call(promise) as PromiseLike<unknown>;
      if (settled !== undefined || !observer.claim()) return props;
      return Promise.resolve(props).then((value) => {
        observer.onRawResponse((value as { response?: unknown } | null)?.response);
        return value;
      }, observer.onError);
    });
  }
  if (withRawResponse !== undefined) {
    // Fern-generated SDKs (Cohere's HttpResponsePromise): `{ data, rawResponse }`, the parsed value in `data`.
    define(promise, "withRawResponse", () => {
      const raw = withRawResponse.call(promise) as PromiseLike<{ data?: unknown }>;
      if (settled !== undefined || !observer.claim()) return raw;
      return Promise.resolve(raw).then(
        (value) => Promise.resolve(observer.onValue(value.data)).then(() => value),
        observer.onError,
      );
    });
  }
  if (thenUnwrap !== undefined) {
    define(promise, "_thenUnwrap", (...args: unknown[]) => {
      const derived = thenUnwrap.apply(promise, args);
      if (isThenable(derived)) observeLazily(derived, observer);
      return derived;
    });
  }
}

function define(target: object, name: string, value: (...args: never[]) => unknown): void {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}

function first(values: readonly unknown[]): unknown {
  return values[0];
}
