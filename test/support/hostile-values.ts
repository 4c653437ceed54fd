import fc from "fast-check";

/** An object nested `depth` levels deep under `key` (built iteratively: the builder must not overflow either). */
export function deepObject(depth: number, key = "a"): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let current = root;
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {};
    current[key] = next;
    current = next;
  }
  return root;
}

/** An array nested `depth` levels deep. */
export function deepArray(depth: number): unknown[] {
  const root: unknown[] = [];
  let current = root;
  for (let i = 0; i < depth; i++) {
    const next: unknown[] = [];
    current.push(next);
    current = next;
  }
  return root;
}

/** Parsed JSON with own `__proto__` / `constructor.prototype` keys, as a hostile payload carries them. */
export function pollutingObject(): unknown {
  return JSON.parse(
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}',
  );
}

/** Values a provider payload field should never hold: wrong types, negative, NaN, huge, deep, polluting. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    -1,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 64,
    0.5,
    "12",
    "",
    "NaN",
    null,
    true,
    [],
    {},
    "__proto__",
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(null).map(() => deepObject(10_000)),
  fc.constant(null).map(() => deepArray(10_000)),
  fc.constant(null).map(pollutingObject),
);

type Path = readonly (string | number)[];

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
export function pathsOf(value: unknown, prefix: Path = [], into: Path[] = []): Path[] {
  if (typeof value !== "object" || value === null || prefix.length > 20) return into;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    const path = [...prefix, key];
    into.push(path);
    pathsOf(item, path, into);
  }
  return into;
}

/** One edit of a payload: replace the value at a path, delete it, or add a hostile key beside it. */
export type Mutation = { pick: number; value: unknown; action: "replace" | "delete" | "inject" };

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  value: hostileValue,
  action: fc.constantFrom("replace", "delete", "inject"),
});

/** A deep copy of `payload` (JSON data) with the mutations applied. */
export function mutate(payload: unknown, mutations: readonly Mutation[]): unknown {
  const copy = JSON.parse(JSON.stringify(payload)) as unknown;
  for (const { pick, value, action } of mutations) {
    const paths = pathsOf(copy);
    if (paths.length === 0) return copy;
    const path = paths[pick % paths.length] as Path;
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy) as Record<
      string | number,
      unknown
    >;
    const key = path[path.length - 1] as string | number;
    if (action === "replace") parent[key] = value;
    else if (action === "delete" && !Array.isArray(parent)) delete parent[key];
    else if (!Array.isArray(parent)) {
      for (const hostileKey of ["__proto__", "constructor", "prototype"]) {
        Object.defineProperty(parent, hostileKey, { value, enumerable: true, configurable: true, writable: true });
      }
    }
  }
  return copy;
}

/** Whether anything reached Object.prototype (prototype pollution). */
export function prototypePolluted(): boolean {
  return (
    "polluted" in Object.prototype || Object.getOwnPropertyNames(Object.prototype).some((name) => name === "polluted")
  );
}
