import { afterEach, beforeEach } from "vitest";
import { onWarning, type RunledgerWarning } from "../../callbacks/index.js";

/** Collects runledger warnings during each test of the calling file. */
export function captureWarnings(): RunledgerWarning[] {
  const warnings: RunledgerWarning[] = [];
  let stop: (() => void) | undefined;
  beforeEach(() => {
    warnings.length = 0;
    stop = onWarning((warning) => warnings.push(warning));
  });
  afterEach(() => stop?.());
  return warnings;
}
