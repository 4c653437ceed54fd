import type { CostEstimate, CostEstimator, UsageMetadata } from "../schemas/index.js";
import { UsageTotals } from "./usage-totals.js";

/** A metadata value as a group key holds it: primitives as they are, anything else as JSON; absent is null. */
export type GroupKeyValue = string | number | boolean | null;

/** Usage and cost of the model runs that share one set of `groupBy` metadata values and one model. */
export interface UsageGroup {
  /** The value of each `groupBy` key (null when a run's metadata lacks it: such runs are kept, not dropped). */
  key: Record<string, GroupKeyValue>;
  model: string;
  usage: UsageMetadata;
  /** null when the model has no price. */
  cost: CostEstimate | null;
}

interface GroupIdentity {
  key: Record<string, GroupKeyValue>;
  model: string;
}

/**
 * Usage totals per (metadata values, model): what `groupBy` attributes. Adding reuses the
 * identity of a group already seen, so a run's end costs one string key and one in-place sum.
 *
 * @example
 * const groups = new UsageGroups(["user_id"]);
 * groups.add({ user_id: "u1" }, "gpt-4o-mini", usage);
 * groups.list(estimate); // [{ key: { user_id: "u1" }, model: "gpt-4o-mini", usage, cost }]
 */
export class UsageGroups {
  private readonly totals = new UsageTotals();
  private readonly identities = new Map<string, GroupIdentity>();

  constructor(readonly keys: readonly string[]) {}

  /** The group values a run's metadata gives (read once, when the run starts). */
  valuesOf(metadata: Readonly<Record<string, unknown>> | undefined): GroupKeyValue[] {
    return this.keys.map((name) =>
      keyValue(metadata !== undefined && Object.hasOwn(metadata, name) ? metadata[name] : undefined),
    );
  }

  add(values: readonly GroupKeyValue[], model: string, usage: UsageMetadata): void {
    const id = JSON.stringify([values, model]);
    if (!this.identities.has(id)) {
      const key: Record<string, GroupKeyValue> = {};
      this.keys.forEach((name, i) => (key[name] = values[i] ?? null));
      this.identities.set(id, { key, model });
    }
    this.totals.add(id, usage);
  }

  /** Every group, in first-seen order, priced by `estimate` (cost null without a price). */
  list(estimate: CostEstimator | undefined): UsageGroup[] {
    const usage = this.totals.snapshot();
    const groups: UsageGroup[] = [];
    for (const [id, { key, model }] of this.identities) {
      const total = usage[id];
      if (total === undefined) continue;
      groups.push({ key: { ...key }, model, usage: total, cost: estimate?.(model, total) ?? null });
    }
    return groups;
  }

  reset(): void {
    this.totals.reset();
    this.identities.clear();
  }
}

function keyValue(value: unknown): GroupKeyValue {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint") return value.toString();
  try {
    // An object value still separates groups; a cyclic one cannot be keyed and falls under null.
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}
