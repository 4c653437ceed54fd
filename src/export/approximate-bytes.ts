/**
 * A quick lower estimate of the bytes a value holds, for memory bounds: the length of its strings
 * plus a few bytes per other node, reading at most `budget` nodes (constant work per value, however
 * large; the big strings that fill memory are near the top of a run's inputs and outputs).
 *
 * @example
 * approximateBytes({ question: "x".repeat(1_000_000) }); // ≈ 1,000,000
 */
export function approximateBytes(value: unknown, budget = 32): number {
  try {
    return estimate(value, budget);
  } catch {
    return 0; // a revoked Proxy or a throwing getter: made a marker at export, sized as nothing here
  }
}

// One stack kept for the next call (never more than `budget` entries, emptied as it is read): a run end
// sizes its inputs and outputs, and a fresh array grew entry by entry each time. A getter or Proxy
// read during a walk may size another value meanwhile: that call gets a stack of its own.
let kept: unknown[] | undefined = [];
// `for…in` with `hasOwnProperty.call` is a pattern V8 optimizes (the key is known to be own while the
// object's enum cache holds); `Object.hasOwn` there cost ~100 ns per run's inputs or outputs.
const hasOwnProperty = Object.prototype.hasOwnProperty;

function estimate(value: unknown, budget: number): number {
  const stack = kept ?? [];
  kept = undefined;
  let bytes = 0;
  let visited = 0;
  let top = 0;
  stack[top++] = value;
  try {
    while (top > 0 && visited < budget) {
      const item = stack[--top];
      stack[top] = undefined; // the values are the caller's: not kept alive here
      visited++;
      if (typeof item === "string") bytes += item.length;
      else if (typeof item !== "object" || item === null) bytes += 8;
      else if (Array.isArray(item)) {
        bytes += 16;
        for (let i = 0; i < item.length && top < budget; i++) stack[top++] = item[i];
      } else {
        bytes += 16;
        for (const key in item) {
          if (top >= budget) break;
          if (hasOwnProperty.call(item, key)) stack[top++] = (item as Record<string, unknown>)[key];
        }
      }
    }
  } finally {
    stack.fill(undefined, 0, top);
    kept = stack;
  }
  return bytes;
}
