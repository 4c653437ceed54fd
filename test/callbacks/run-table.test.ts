import { describe, expect, it } from "vitest";
import { RunTable } from "../../callbacks/run-table.js";

describe("RunTable", () => {
  it("counts, finds and removes runs without ever showing its placeholder", () => {
    const table = new RunTable<number>();
    expect(table.size).toBe(0);
    expect(table.oldest()).toBeUndefined();
    table.set("a", 1);
    table.set("b", 2);
    expect(table.size).toBe(2);
    expect(table.get("a")).toBe(1);
    expect(table.has("b")).toBe(true);
    expect(table.oldest()).toBe(1);
    expect(table.delete("a")).toBe(true);
    expect(table.delete("a")).toBe(false);
    expect(table.oldest()).toBe(2);
    table.delete("b");
    expect(table.size).toBe(0);
    expect(table.oldest()).toBeUndefined();
  });

  it("keeps insertion order for the oldest run across many opens and closes", () => {
    const table = new RunTable<string>();
    for (let i = 0; i < 100; i++) table.set(`r${i}`, `r${i}`);
    for (let i = 0; i < 99; i++) {
      expect(table.oldest()).toBe(`r${i}`);
      table.delete(`r${i}`);
    }
    expect(table.size).toBe(1);
    expect(table.oldest()).toBe("r99");
  });
});
