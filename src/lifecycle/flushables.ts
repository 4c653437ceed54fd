/** Something with buffered runs that must not be lost when the process ends (a `BatchRunProcessor`). */
export interface ProcessFlushable {
  /** Settles when everything queued so far has been exported (or spooled, or counted as dropped). */
  forceFlush(): Promise<void>;
  /** Starts flushing if there is work left; must not start a second flush while one runs. */
  flushOnExit(): void;
  /** Nothing asynchronous will run any more: save what is left, synchronously. */
  spoolOnExit(): void;
}

/** The process hooks in place, remembered so whichever build installed them can remove them. */
export interface InstalledHooks {
  beforeExit: () => void;
  exit: () => void;
  signal: (signal: NodeJS.Signals) => void;
}

interface LifecycleState {
  targets: Set<WeakRef<ProcessFlushable>>;
  hooks: InstalledHooks | undefined;
  /** The signal being handled (flush under way), if any. */
  signalled: NodeJS.Signals | undefined;
}

// One state per process, through globalThis: when both the ESM and the CommonJS build are loaded, one
// set of hooks must serve both (two signal listeners would each take the other for the app's own).
const STATE_KEY = Symbol.for("runledger.lifecycle");

/**
 * The process-wide lifecycle state: the registered flushables (weakly held) and the hooks in place.
 *
 * @example
 * lifecycleState().targets.size; // processors alive and not shut down
 */
export function lifecycleState(): LifecycleState {
  const holder = globalThis as { [STATE_KEY]?: LifecycleState };
  holder[STATE_KEY] ??= { targets: new Set(), hooks: undefined, signalled: undefined };
  return holder[STATE_KEY];
}

/**
 * The registered flushables still alive.
 *
 * @example
 * await Promise.all(liveFlushables().map((target) => target.forceFlush()));
 */
export function liveFlushables(): ProcessFlushable[] {
  const live: ProcessFlushable[] = [];
  for (const ref of lifecycleState().targets) {
    const target = ref.deref();
    if (target !== undefined) live.push(target);
  }
  return live;
}

/**
 * Has every live flushable save what it still holds, synchronously (the process is ending); one
 * target's failure does not keep the others from saving their runs.
 *
 * @example
 * process.on("exit", spoolAll);
 */
export function spoolAll(): void {
  for (const target of liveFlushables()) {
    try {
      target.spoolOnExit();
    } catch {
      // Its runs are counted by the target itself; the others still get their turn.
    }
  }
}
