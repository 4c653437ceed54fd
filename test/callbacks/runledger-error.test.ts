import { describe, expect, it, vi } from "vitest";
import { HandlerTimeoutError, RunledgerError } from "../../callbacks/index.js";
import { ProviderPayloadError } from "../../src/providers/index.js";

/** A second copy of the error modules, as a duplicate install or the other build would load them. */
async function foreignCopy(): Promise<{
  RunledgerError: typeof RunledgerError;
  HandlerTimeoutError: typeof HandlerTimeoutError;
}> {
  vi.resetModules();
  const errors = await import("../../callbacks/runledger-error.js");
  const timeout = await import("../../callbacks/handler-timeout.js");
  vi.resetModules();
  return { RunledgerError: errors.RunledgerError, HandlerTimeoutError: timeout.HandlerTimeoutError };
}

describe("RunledgerError", () => {
  it("carries name, code, message and cause like a standard Error", () => {
    const cause = new Error("root");
    const error = new RunledgerError("invalid_argument", "bad option", { cause });
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.message, error.cause]).toEqual([
      "RunledgerError",
      "invalid_argument",
      "bad option",
      cause,
    ]);
    expect(Object.keys(error)).not.toContain(Symbol.for("runledger.error")); // the brand stays out of logs
    expect(JSON.stringify(error)).not.toContain("runledger.error");
  });

  it("subclasses are RunledgerErrors with their own name and code; a base error is not a subclass", () => {
    const timeout = new HandlerTimeoutError("H", "handleLLMEnd", 5);
    expect(timeout).toBeInstanceOf(RunledgerError);
    expect([timeout.name, timeout.code]).toEqual(["HandlerTimeoutError", "handler_timeout"]);
    expect(new RunledgerError("handler_timeout", "x")).not.toBeInstanceOf(HandlerTimeoutError);
    expect(timeout).not.toBeInstanceOf(ProviderPayloadError);
    expect(RunledgerError.isInstance(new Error("plain"))).toBe(false);
    expect(RunledgerError.isInstance(undefined)).toBe(false);
  });

  it("instanceof and isInstance hold across copies of the package", async () => {
    const other = await foreignCopy();
    expect(other.RunledgerError).not.toBe(RunledgerError); // really a second copy
    const foreign = new other.HandlerTimeoutError("H", "handleLLMEnd", 5);
    expect(foreign instanceof RunledgerError).toBe(true);
    expect(foreign instanceof HandlerTimeoutError).toBe(true);
    expect(HandlerTimeoutError.isInstance(foreign)).toBe(true);
    expect(new other.RunledgerError("invalid_argument", "x") instanceof HandlerTimeoutError).toBe(false);
    expect(new ProviderPayloadError("not a payload", []) instanceof other.RunledgerError).toBe(true);
  });
});
