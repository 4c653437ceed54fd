import { emitWarning } from "../../callbacks/warnings.js";
import type { Run } from "../../schemas/index.js";
import { toJsonSafe, toJsonSafeRun, toMaskedJsonSafeRun } from "./json-safe.js";
import { maskRunSecrets } from "./redact.js";
import { maskedRunJson } from "./run-json.js";

/**
 * What to send of a run's inputs or outputs: `true` sends `{}`, `false` sends them as they are, a
 * function receives them (JSON-safe) and returns what to send (as the `langsmith` client's
 * `hideInputs` / `hideOutputs`).
 */
export type HideValues = boolean | ((values: Record<string, unknown>) => Record<string, unknown>);

/** The privacy options shared by `RunTracer`, `BatchRunProcessor` and the exporters. */
export interface RunPrivacyOptions {
  /** Default: `LANGSMITH_HIDE_INPUTS=true` (or `LANGCHAIN_HIDE_INPUTS`) hides them, else false. */
  hideInputs?: HideValues;
  /**
   * Default: `LANGSMITH_HIDE_OUTPUTS=true` (or `LANGCHAIN_HIDE_OUTPUTS`) hides them, else false.
   * Hidden outputs also take the streamed tokens out of `new_token` events.
   */
  hideOutputs?: HideValues;
}

// Runs already made JSON-safe and masked by a processor: an exporter then only applies its own hiding.
const prepared = new WeakSet<object>();

/**
 * The export form of runs: JSON-safe, with `hideInputs` / `hideOutputs` applied and every credential
 * masked (see `maskSecrets`), built as copies; the user's objects are never modified. A hide function
 * that throws or returns something other than an object sends `{}` (failing closed), with a warning.
 *
 * @example
 * const privacy = new RunPrivacy({ hideInputs: true });
 * await exporter.export(runs.map((run) => privacy.prepare(run)));
 */
export class RunPrivacy {
  readonly hideInputs: HideValues;
  readonly hideOutputs: HideValues;

  constructor(options: RunPrivacyOptions = {}) {
    this.hideInputs = options.hideInputs ?? hideFromEnv("HIDE_INPUTS");
    this.hideOutputs = options.hideOutputs ?? hideFromEnv("HIDE_OUTPUTS");
  }

  /** The run as it may leave the process. Runs prepared before only get this instance's hiding. */
  prepare(run: Run): Run {
    if (prepared.has(run)) {
      const hiddenRun = this.hide(run);
      return hiddenRun === run ? run : this.mark(maskRunSecrets(hiddenRun));
    }
    // Nothing hidden (the default): one fused walk. Hide functions receive the unmasked JSON-safe copy.
    if (this.hidesNothing) return this.mark(toMaskedJsonSafeRun(run));
    return this.mark(maskRunSecrets(this.hide(toJsonSafeRun(run))));
  }

  /** Whether this instance hides nothing (`prepare` then only copies and masks). */
  get hidesNothing(): boolean {
    return this.hideInputs === false && this.hideOutputs === false;
  }

  /**
   * `JSON.stringify(prepare(run))`: when nothing is hidden, written in one walk of the record with no
   * copy built (see `maskedRunJson`).
   */
  serialize(run: Run): string {
    return this.hidesNothing && !prepared.has(run) ? maskedRunJson(run) : JSON.stringify(this.prepare(run));
  }

  private hide(run: Run): Run {
    const inputs = hidden(run.inputs, this.hideInputs, "hideInputs");
    const outputs = hidden(run.outputs, this.hideOutputs, "hideOutputs");
    if (inputs === run.inputs && outputs === run.outputs) return run;
    const copy: Run = { ...run, inputs: inputs as Run["inputs"] };
    if (outputs !== undefined) copy.outputs = outputs as Run["outputs"];
    // Streamed tokens are the output, piece by piece.
    if (this.hideOutputs !== false && Array.isArray(run.events)) copy.events = run.events.map(withoutTokenText);
    return copy;
  }

  private mark(run: Run): Run {
    prepared.add(run);
    return run;
  }
}

function hidden(values: unknown, hide: HideValues, option: string): unknown {
  if (hide === false || values === undefined || values === null) return values;
  if (hide === true) return isEmptyObject(values) ? values : {};
  try {
    const result = hide(values as Record<string, unknown>);
    // Made JSON-safe here; masked with the rest of the run.
    if (typeof result === "object" && result !== null && !Array.isArray(result)) return toJsonSafe(result);
    emitWarning(
      "hide_failed",
      `${option} returned ${result === null ? "null" : typeof result}, not an object; sent {} instead`,
    );
  } catch (error) {
    emitWarning("hide_failed", `${option} threw; sent {} instead`, error);
  }
  return {};
}

function withoutTokenText<E extends { name?: unknown; kwargs?: unknown }>(event: E): E {
  if (event.name !== "new_token" || event.kwargs === undefined) return event;
  const { kwargs: _kwargs, ...rest } = event;
  return rest as E;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

function hideFromEnv(name: string): boolean {
  const value = process.env[`LANGSMITH_${name}`] || process.env[`LANGCHAIN_${name}`] || "";
  return value.trim().toLowerCase() === "true";
}
