import type { CallbackHandler } from "./base-callback-handler.js";
import { emitWarning } from "./warnings.js";

/**
 * The handlers of `list` that can be handlers (objects); `null`, `undefined` and other values are
 * left out with an `invalid_handler` warning, so a bad entry never breaks the app's call.
 *
 * @example
 * withCallbacks(validHandlers([tracer, maybeUndefined], "withCallbacks"), fn);
 */
export function validHandlers(list: readonly unknown[], where: string): readonly CallbackHandler[] {
  if (!Array.isArray(list)) {
    emitWarning("invalid_handler", `${where}: expected a list of handlers, got ${typeof list}; ignored`, list);
    return [];
  }
  for (const item of list) {
    if (!isHandler(item)) return filterHandlers(list, where);
  }
  return list as readonly CallbackHandler[];
}

function filterHandlers(list: readonly unknown[], where: string): CallbackHandler[] {
  const kept: CallbackHandler[] = [];
  for (const item of list) {
    if (isHandler(item)) kept.push(item);
    else emitWarning("invalid_handler", `${where}: ignored a handler that is ${describe(item)}`, item);
  }
  return kept;
}

/**
 * Whether `value` can be a handler (an object: a class instance or a plain object of methods).
 *
 * @example
 * handlers.filter(isHandler);
 */
export function isHandler(value: unknown): value is CallbackHandler {
  return typeof value === "object" && value !== null;
}

function describe(value: unknown): string {
  return value === null ? "null" : typeof value;
}
