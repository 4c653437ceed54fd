import { lifecycleState, liveFlushables, spoolAll, type ProcessFlushable } from "./flushables.js";
import { FLUSHED_SIGNALS, onSignal } from "./signal-hooks.js";

function onBeforeExit(): void {
  for (const target of liveFlushables()) target.flushOnExit();
}

// Weak references: a processor the program dropped without shutting it down must not be kept alive
// (and flushed) forever by the registry.
const collected = new FinalizationRegistry<WeakRef<ProcessFlushable>>((ref) => forget(ref));

/**
 * Keeps `target`'s runs when the process ends, however it ends: flushed when the event loop empties
 * (`beforeExit`); flushed within a deadline, then spooled, on SIGTERM / SIGINT / SIGHUP (the signal
 * keeps its default behaviour afterwards, see `onSignal`); saved synchronously on `process.exit()` and
 * on an uncaught exception (`exit`, when only synchronous work runs). One set of listeners serves
 * every target in the process; they are removed when the last target unregisters. Returns the
 * unregister function.
 *
 * @example
 * const unregister = registerExitFlush(processor);
 * // on shutdown:
 * unregister();
 */
export function registerExitFlush(target: ProcessFlushable): () => void {
  const state = lifecycleState();
  const ref = new WeakRef(target);
  state.targets.add(ref);
  collected.register(target, ref, ref);
  if (state.hooks === undefined) {
    // `process.exit()` and uncaught exceptions skip beforeExit: exit is the last chance.
    state.hooks = { beforeExit: onBeforeExit, exit: spoolAll, signal: onSignal };
    process.on("beforeExit", state.hooks.beforeExit);
    process.on("exit", state.hooks.exit);
    for (const signal of FLUSHED_SIGNALS) process.on(signal, state.hooks.signal);
  }
  return () => {
    collected.unregister(ref);
    forget(ref);
  };
}

function forget(ref: WeakRef<ProcessFlushable>): void {
  const state = lifecycleState();
  state.targets.delete(ref);
  if (state.targets.size > 0 || state.hooks === undefined) return;
  process.off("beforeExit", state.hooks.beforeExit);
  process.off("exit", state.hooks.exit);
  for (const signal of FLUSHED_SIGNALS) process.off(signal, state.hooks.signal);
  state.hooks = undefined;
}
