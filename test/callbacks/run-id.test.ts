import { afterEach, describe, expect, it, vi } from "vitest";
import { newRunId } from "../../callbacks/run-id.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function millisOf(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

describe("newRunId", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("makes UUIDv7s whose timestamp is the current millisecond", () => {
    const before = Date.now();
    const id = newRunId();
    const after = Date.now();
    expect(id).toMatch(UUID_V7);
    expect(millisOf(id)).toBeGreaterThanOrEqual(before);
    expect(millisOf(id)).toBeLessThanOrEqual(after);
  });

  it("makes distinct, strictly increasing ids, also within one millisecond and past the counter", () => {
    // Later than any id made so far in this process (the generator never goes back in time).
    const now = Date.now() + 1e10;
    vi.useFakeTimers({ now, toFake: ["Date"] });
    const ids = Array.from({ length: 10_000 }, () => newRunId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // 10,000 ids cannot fit one millisecond's 12-bit counter: the timestamp moved on, never back.
    expect(millisOf(ids[0] as string)).toBe(now);
    expect(millisOf(ids[ids.length - 1] as string)).toBeGreaterThan(now);
  });

  it("stays increasing when the clock steps back", () => {
    const now = Date.now() + 2e10;
    vi.useFakeTimers({ now, toFake: ["Date"] });
    const first = newRunId();
    vi.setSystemTime(now - 100_000);
    const second = newRunId();
    expect(second > first).toBe(true);
  });

  it("spreads its random bits (no two of 100,000 ids share their random part)", () => {
    const randomParts = new Set(Array.from({ length: 100_000 }, () => newRunId().slice(19)));
    expect(randomParts.size).toBe(100_000);
  });
});
