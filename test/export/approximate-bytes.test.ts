import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { approximateBytes } from "../../src/export/approximate-bytes.js";

// The estimate as it was written before its own-key check changed (Object.hasOwn): the oracle for
// the differential test below. Same walk, same budget, same order.
function referenceBytes(value: unknown, budget = 32): number {
  try {
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
          if (Object.hasOwn(item, key)) stack.push((item as Record<string, unknown>)[key]);
        }
      }
    }
    return bytes;
  } catch {
    return 0;
  }
}

class WithInherited {
  own = "x".repeat(40);
}
(WithInherited.prototype as unknown as Record<string, unknown>).inherited = "y".repeat(50);

describe("approximateBytes", () => {
  it("gives what the Object.hasOwn walk gave, on any value", () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withSparseArray: true }), (value) => {
        expect(approximateBytes(value)).toBe(referenceBytes(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives the same on inherited keys, accessors, proxies, cycles and a throwing getter", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const hostile = [
      new WithInherited(),
      Object.create({ inherited: "z".repeat(30) }, { own: { value: "o", enumerable: true } }),
      {
        get text() {
          return "t".repeat(25);
        },
      },
      new Proxy({ a: "proxied" }, {}),
      cyclic,
      { inputs: { messages: [[{ role: "user", content: "q".repeat(1_000_000) }]] } },
      Array.from({ length: 100 }, (_, i) => ({ i, text: `item ${i}` })),
    ];
    for (const value of hostile) expect(approximateBytes(value)).toBe(referenceBytes(value));
    const throwing = {
      get boom(): string {
        throw new Error("getter");
      },
    };
    expect(approximateBytes(throwing)).toBe(0);
    expect(referenceBytes(throwing)).toBe(0);
  });
});
