import { addUsage, type UsageMetadata } from "../schemas/index.js";

// `for…in` with `hasOwnProperty.call` is a pattern V8 optimizes; `Object.hasOwn` in these loops is not.
const hasOwn = Object.prototype.hasOwnProperty;

type Counts = { [key: string]: number | Counts | undefined };

/**
 * Running usage totals per model, summed in place: adding a model run's usage allocates nothing once
 * the model has a total (this runs at every model run's end, on the caller's path). Readers get
 * `snapshot()`: copies, rebuilt only after a change, so a snapshot someone holds never changes. The
 * sums are exactly `addUsage`'s: every count at every level added, keys only one side has kept.
 *
 * @example
 * const totals = new UsageTotals();
 * totals.add("gpt-4o-mini", { input_tokens: 3, output_tokens: 1, total_tokens: 4 });
 * totals.snapshot(); // { "gpt-4o-mini": { input_tokens: 3, output_tokens: 1, total_tokens: 4 } }
 */
export class UsageTotals {
  private readonly totals = new Map<string, UsageMetadata>();
  private copy: Record<string, UsageMetadata> | undefined;

  /** Adds one usage record to the model's total. */
  add(model: string, usage: UsageMetadata): void {
    this.copy = undefined;
    const total = this.totals.get(model);
    // The first record starts the total as addUsage's normalized copy: every count a number.
    if (total === undefined) this.totals.set(model, addUsage(undefined, usage));
    else addInto(total as unknown as Counts, usage as unknown as Counts);
  }

  /** Replaces every total (copies of `usage`). */
  reset(usage: Readonly<Record<string, UsageMetadata>> = {}): void {
    this.copy = undefined;
    this.totals.clear();
    for (const [model, total] of Object.entries(usage)) this.totals.set(model, addUsage(undefined, total));
  }

  /** The totals per model, as a plain object of copies. */
  snapshot(): Record<string, UsageMetadata> {
    if (this.copy !== undefined) return this.copy;
    const copy: Record<string, UsageMetadata> = {};
    for (const [model, total] of this.totals) {
      // A model named "__proto__" stays a key (an assignment would set the prototype and lose it).
      if (model === "__proto__")
        Object.defineProperty(copy, model, {
          value: addUsage(undefined, total),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else copy[model] = addUsage(undefined, total);
    }
    this.copy = copy;
    return copy;
  }
}

// `total` ← addUsage(total, add), in place. `total` is always normalized (every leaf a number), so
// only `add`'s values need addUsage's rules: a non-number count is 0, and where one side has a map
// and the other a number, the map wins. A `__proto__` key from hostile JSON is skipped.
function addInto(total: Counts, add: Counts): void {
  for (const key in add) {
    if (!hasOwn.call(add, key) || key === "__proto__") continue;
    const value = add[key];
    const current = hasOwn.call(total, key) ? total[key] : undefined;
    if (isCounts(current)) {
      if (isCounts(value)) addInto(current, value);
    } else if (isCounts(value)) {
      total[key] = copyCounts(value);
    } else {
      total[key] = (current ?? 0) + (typeof value === "number" ? value : 0);
    }
  }
}

// A normalized copy of a map of counts (what addUsage makes of a map the other side lacks).
function copyCounts(counts: Counts): Counts {
  const copy: Counts = {};
  addInto(copy, counts);
  return copy;
}

function isCounts(value: Counts[string]): value is Counts {
  return typeof value === "object" && value !== null;
}
