import { describe, expect, it } from "vitest";
import { assignFields } from "../../callbacks/assign-fields.js";

describe("assignFields", () => {
  it("gives what a spread gives: own enumerable fields, later sources winning, first position kept", () => {
    const a = { x: 1, metadata: { a: 1 }, y: 2 };
    const b = { y: 3, z: 4 };
    const copy = assignFields(assignFields({}, a), b);
    copy.metadata = { b: 2 };
    expect(copy).toEqual({ ...a, ...b, metadata: { b: 2 } });
    expect(Object.keys(copy)).toEqual(Object.keys({ ...a, ...b, metadata: { b: 2 } }));
    expect(a).toEqual({ x: 1, metadata: { a: 1 }, y: 2 });
  });

  it("skips inherited and non-enumerable fields and accepts undefined", () => {
    const source = Object.create({ inherited: 1 }) as Record<string, unknown>;
    Object.defineProperty(source, "hidden", { value: 2, enumerable: false });
    source.own = 3;
    expect(assignFields({}, source)).toEqual({ own: 3 });
    expect(assignFields({ kept: true }, undefined)).toEqual({ kept: true });
  });

  it("keeps a __proto__ key as a plain field instead of replacing the prototype", () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const copy = assignFields({}, hostile);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(["__proto__", "a"]);
    expect(copy).toEqual({ ...hostile });
  });
});
