/** Something with buffered work to finish before the process exits. */
export interface ExitFlushable {
  /** Starts flushing if there is work left; must not start a second flush while one runs. */
  flushOnExit(): void;
  /** The process is exiting now (nothing asynchronous will run): save what is left, synchronously. */
  spoolOnExit(): void;
}

// Weak references: a processor the program dropped without shutting it down must not be kept alive
// (and flushed) forever by this registry.
const targets = new Set<WeakRef<ExitFlushable>>();
const collected = new FinalizationRegistry<WeakRef<ExitFlushable>>((ref) => forget(ref));
let listening = false;

function onBeforeExit(): void {
  for (const ref of targets) ref.deref()?.flushOnExit();
}

// `process.exit()` skips beforeExit: the exit event is the last chance, and only synchronous work runs.
function onExit(): void {
  for (const ref of targets) {
    try {
      ref.deref()?.spoolOnExit();
    } catch {
      // One target's failure must not keep the others from saving their runs.
    }
  }
}

/**
 * Flushes `target` when the event loop empties before the process exits (`beforeExit`), and lets it
 * save what is left synchronously when the process exits anyway (`exit`, e.g. after
 * `process.exit()`). One shared pair of listeners serves every target; they are removed when the
 * last target unregisters. Returns the unregister function.
 *
 * @example
 * const unregister = registerExitFlush(processor);
 * // on shutdown:
 * unregister();
 */
export function registerExitFlush(target: ExitFlushable): () => void {
  const ref = new WeakRef(target);
  targets.add(ref);
  collected.register(target, ref, ref);
  if (!listening) {
    process.on("beforeExit", onBeforeExit);
    process.on("exit", onExit);
    listening = true;
  }
  return () => {
    collected.unregister(ref);
    forget(ref);
  };
}

function forget(ref: WeakRef<ExitFlushable>): void {
  targets.delete(ref);
  if (targets.size === 0 && listening) {
    process.off("beforeExit", onBeforeExit);
    process.off("exit", onExit);
    listening = false;
  }
}
