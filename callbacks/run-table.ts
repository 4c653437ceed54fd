// Placeholder keys no run id can equal: permanent entries that keep the table from ever being small.
const PLACEHOLDERS: readonly symbol[] = Array.from({ length: 7 }, () => Symbol("runledger.run-table.placeholder"));

/**
 * The open runs of a handler by run id: a Map that always holds seven placeholder entries
 * underneath. V8 rebuilds a Map's table (a new one, in a runtime call) whenever its inserts plus
 * deletes fill it and shrinks it when a delete leaves it under a quarter full; a handler that sees
 * one run (or a parent and one child) at a time kept the smallest table (4 entries) and rebuilt it
 * every second or third run. With the placeholders the table stays at 16 entries and is rebuilt
 * every ninth run start or so. Iteration and `size` leave the placeholders out.
 *
 * @example
 * const runs = new RunTable<OpenRun>();
 * runs.set(runId, run);
 * runs.get(runId);
 * runs.delete(runId);
 */
export class RunTable<V> {
  private readonly map = new Map<string | symbol, V | undefined>(PLACEHOLDERS.map((key) => [key, undefined]));

  /** How many runs are held. */
  get size(): number {
    return this.map.size - PLACEHOLDERS.length;
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
    for (let i = 0; i < PLACEHOLDERS.length; i++) entries.next(); // the placeholders, always first
    return entries.next().value;
  }
}
