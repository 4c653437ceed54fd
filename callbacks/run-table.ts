// A placeholder key no run id can equal: it keeps the table from ever being empty.
const PLACEHOLDER: unique symbol = Symbol("runledger.run-table.placeholder");

/**
 * The open runs of a handler by run id: a Map that is never empty underneath. V8 shrinks a Map's
 * table (allocating a new one, in a runtime call) whenever a delete leaves it under half full, so a
 * handler that sees one model call at a time paid that at every run end; a permanent placeholder
 * entry keeps the smallest table in place. Iteration and `size` leave the placeholder out.
 *
 * @example
 * const runs = new RunTable<OpenRun>();
 * runs.set(runId, run);
 * runs.get(runId);
 * runs.delete(runId);
 */
export class RunTable<V> {
  private readonly map = new Map<string | typeof PLACEHOLDER, V | undefined>([[PLACEHOLDER, undefined]]);

  /** How many runs are held. */
  get size(): number {
    return this.map.size - 1;
  }

  get(runId: string): V | undefined {
    return this.map.get(runId);
  }

  has(runId: string): boolean {
    return this.map.has(runId);
  }

  set(runId: string, value: V): void {
    this.map.set(runId, value);
  }

  delete(runId: string): boolean {
    return this.map.delete(runId);
  }

  /** The run held longest (the first one set that is still held). */
  oldest(): V | undefined {
    const entries = this.map.values();
    entries.next(); // the placeholder, always first
    return entries.next().value;
  }
}
