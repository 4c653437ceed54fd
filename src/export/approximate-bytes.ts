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

function estimate(value: unknown, budget: number): number {
  let bytes = 0;
  let visited = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && visited < budget) {
    const item = stack.pop();
    visited++;
    if (typeof item === "string") bytes += item.length;
    else if (typeof item !== "object" || item === null) bytes += 8;
    else if (Array.isArray(item)) {
      bytes += 16;
      for (let i = 0; i < item.length && stack.length < budget; i++) stack.push(item[i]);
    } else {
      bytes += 16;
      for (const key in item) {
        if (stack.length >= budget) break;
        // hasOwnProperty.call on the for-in key, not Object.hasOwn: V8 answers it from the enumeration
        // itself, without a call (every run end estimates its inputs and outputs; ~30% of this walk).
        if (Object.prototype.hasOwnProperty.call(item, key)) stack.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return bytes;
}
