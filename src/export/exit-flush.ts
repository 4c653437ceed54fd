/** Something with buffered work to finish before the process exits. */
export interface ExitFlushable {
  /** Starts flushing if there is work left; must not start a second flush while one runs. */
  flushOnExit(): void;
}

// Weak references: a processor the program dropped without shutting it down must not be kept alive
// (and flushed) forever by this registry.
const targets = new Set<WeakRef<ExitFlushable>>();
const collected = new FinalizationRegistry<WeakRef<ExitFlushable>>((ref) => forget(ref));
let listening = false;

function onBeforeExit(): void {
  for (const ref of targets) ref.deref()?.flushOnExit();
}

/**
 * Flushes `target` when the event loop empties before the process exits (`beforeExit`). One shared
 * listener serves every target; it is removed when the last target unregisters. Returns the
 * unregister function.
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
    listening = false;
  }
}
