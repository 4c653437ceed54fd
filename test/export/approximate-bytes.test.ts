import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { approximateBytes } from "../../src/export/approximate-bytes.js";

// The plain rule, as approximateBytes was first written (a fresh stack per call, Object.hasOwn): the
// kept stack and its re-entrancy guard must give exactly this.
function reference(value: unknown, budget = 32): number {
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

// Built inside the property (fast-check itself would trip over a revoked Proxy it generated).
const HOSTILE: readonly (() => unknown)[] = [
  () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  },
  () =>
    new Proxy(
      { a: 1 },
      {
        ownKeys() {
          throw new Error("no keys");
        },
      },
    ),
  () =>
    Object.defineProperty({ a: "x" }, "b", {
      enumerable: true,
      get() {
        throw new Error("getter");
      },
    }),
  () => Object.create({ inherited: "not own" }) as unknown,
];
const anyValue = fc.oneof(
  fc.anything({ maxDepth: 5 }).map((value) => () => value),
  fc.integer({ min: 0, max: HOSTILE.length - 1 }).map((index) => HOSTILE[index] as () => unknown),
);

describe("approximateBytes", () => {
  it("gives the plain rule's estimate on random and hostile values, whatever came before", () => {
    fc.assert(
      fc.property(
        fc.array(anyValue, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 64 }),
        (makers, budget) => {
          for (const make of makers) {
            const value = make();
            expect(approximateBytes(value, budget)).toBe(reference(value, budget));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("sizes a value a getter sizes in the middle of another walk on its own, and the outer walk is undisturbed", () => {
    const inner = { text: "y".repeat(500), list: [1, 2, "abc"] };
    let seen = -1;
    const outer = {
      first: "x".repeat(1_000),
      get nested(): unknown {
        seen = approximateBytes(inner);
        return { more: "z".repeat(100) };
      },
      last: ["a", "b", { c: "d" }],
    };
    const expected = reference(outer); // calls the getter too
    expect(seen).toBe(reference(inner));
    seen = -1;
    expect(approximateBytes(outer)).toBe(expected);
    expect(seen).toBe(reference(inner));
    expect(approximateBytes({ question: "x".repeat(1_000_000) })).toBe(1_000_016);
  });
});
