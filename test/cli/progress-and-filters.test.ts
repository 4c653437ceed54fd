import { describe, expect, it } from "vitest";
import { parseSince } from "../../src/cli/filters.js";
import { createProgress } from "../../src/cli/progress.js";
import { isoToMillis } from "../../src/cli/run-summary.js";

describe("createProgress", () => {
  function stream(isTTY: boolean) {
    return {
      isTTY,
      text: "",
      write(chunk: string) {
        this.text += chunk;
        return true;
      },
    };
  }

  it("draws on a terminal, at most every 200 ms, and clears the line when done", () => {
    const out = stream(true);
    let now = 0;
    const progress = createProgress(out, 2_000_000, () => now);
    progress.update(500_000, 10);
    expect(out.text).toBe(""); // not yet 200 ms
    now = 250;
    progress.update(1_000_000, 20);
    expect(out.text).toBe("\r\u001b[2Kreading 1.00 MB / 2.00 MB (50.0%), 20 lines");
    now = 300;
    progress.update(1_500_000, 30);
    expect(out.text).not.toContain("1.50 MB");
    progress.done();
    expect(out.text.endsWith("\r\u001b[2K")).toBe(true);
  });

  it("stays silent when stderr is redirected", () => {
    const out = stream(false);
    let now = 0;
    const progress = createProgress(out, 100, () => (now += 1000));
    progress.update(50, 1);
    progress.done();
    expect(out.text).toBe("");
  });
});

describe("parseSince", () => {
  const now = Date.parse("2026-11-22T12:00:00Z");

  it.each([
    ["2h", "2026-11-22T10:00:00Z"],
    ["90m", "2026-11-22T10:30:00Z"],
    ["1h30m", "2026-11-22T10:30:00Z"],
    ["7d", "2026-11-15T12:00:00Z"],
    ["1w", "2026-11-15T12:00:00Z"],
    ["45s", "2026-11-22T11:59:15Z"],
    ["2026-11-20T08:00:00Z", "2026-11-20T08:00:00Z"],
    ["2026-11-20T09:00:00+01:00", "2026-11-20T08:00:00Z"],
    ["2026-11-20", "2026-11-20T00:00:00Z"],
  ])("%s → %s", (value, expected) => {
    expect(parseSince(value, now)).toBe(Date.parse(expected));
  });

  it("rejects what is neither a time nor a duration", () => {
    expect(() => parseSince("yesterday", now)).toThrow(expect.objectContaining({ code: "invalid_argument" }));
    expect(() => parseSince("2x", now)).toThrow(/neither an ISO-8601 time nor a duration/);
  });
});

describe("isoToMillis", () => {
  it("keeps microseconds and reads zone-less times as UTC", () => {
    expect(isoToMillis("2026-11-20T10:00:00.123456Z")).toBeCloseTo(Date.parse("2026-11-20T10:00:00.123Z") + 0.456, 6);
    expect(isoToMillis("2026-11-20T10:00:00.5")).toBe(Date.parse("2026-11-20T10:00:00.500Z"));
  });
});
