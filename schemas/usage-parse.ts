import { UsdSchema, type InputTokenDetails, type OutputTokenDetails, type UsageMetadata } from "./usage.js";

/** What `parseUsage` made of an untrusted usage record. */
export interface ParsedUsage {
  /** The valid part, or undefined when not even the totals could be read. */
  usage?: UsageMetadata;
  /** One message per value that was rejected (negative, NaN, not an integer, not a number). */
  problems: string[];
}

/**
 * Reads a usage record from untrusted input (a LangChain message, a JSONL line, a provider payload
 * already converted to the LangChain shape). Invalid counts are dropped and reported one by one; the
 * valid rest is kept. A missing `total_tokens` is computed as input + output. Cost keys a caller put
 * there (`input_cost`, `output_cost`, `total_cost`, `*_cost_details`; numbers or decimal strings) are
 * kept as numbers.
 *
 * @example
 * parseUsage({ input_tokens: 5, output_tokens: -1, total_tokens: 5 });
 * // → { usage: undefined, problems: ["output_tokens: -1 is not a non-negative integer"] }
 */
export function parseUsage(raw: unknown): ParsedUsage {
  const problems: string[] = [];
  if (typeof raw !== "object" || raw === null) {
    return { problems: [`usage: expected an object, got ${describe(raw)}`] };
  }
  const record = raw as Record<string, unknown>;
  const input = readCount(record, "input_tokens", problems);
  const output = readCount(record, "output_tokens", problems);
  if (input === undefined || output === undefined) return { problems };
  const total = record.total_tokens === undefined ? input + output : readCount(record, "total_tokens", problems);
  const usage: UsageMetadata = { input_tokens: input, output_tokens: output, total_tokens: total ?? input + output };
  const inputDetails = readDetails(record, "input_token_details", problems);
  if (inputDetails) usage.input_token_details = inputDetails as InputTokenDetails;
  const outputDetails = readDetails(record, "output_token_details", problems);
  if (outputDetails) usage.output_token_details = outputDetails as OutputTokenDetails;
  // Most usage records carry no cost: five named reads (fast, cached by V8) spare the key loops below.
  if (
    record.input_cost == null &&
    record.output_cost == null &&
    record.total_cost == null &&
    record.input_cost_details == null &&
    record.output_cost_details == null
  )
    return { usage, problems };
  for (const key of COST_KEYS) {
    const cost = record[key];
    if (cost === undefined || cost === null) continue;
    const amount = UsdSchema.safeParse(cost);
    if (amount.success) usage[key] = amount.data;
    else problems.push(`${key}: ${describe(cost)} is not a non-negative amount`);
  }
  for (const key of COST_DETAIL_KEYS) {
    const costs = readMap(record, key, problems, amountOf);
    if (costs) usage[key] = costs;
  }
  return { usage, problems };
}

/** True when `value` is a count runledger accepts: a non-negative safe integer. */
export function isTokenCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function readCount(record: Record<string, unknown>, key: string, problems: string[]): number | undefined {
  const value = record[key];
  if (isTokenCount(value)) return value;
  problems.push(value === undefined ? `${key}: missing` : `${key}: ${describe(value)} is not a non-negative integer`);
  return undefined;
}

const COST_KEYS = ["input_cost", "output_cost", "total_cost"] as const;
const COST_DETAIL_KEYS = ["input_cost_details", "output_cost_details"] as const;

function readDetails(
  record: Record<string, unknown>,
  key: string,
  problems: string[],
): Record<string, number> | undefined {
  return readMap(record, key, problems, countOf);
}

function countOf(value: unknown): number | undefined {
  return isTokenCount(value) ? value : undefined;
}

function amountOf(value: unknown): number | undefined {
  const amount = UsdSchema.safeParse(value);
  return amount.success ? amount.data : undefined;
}

// A map of named numbers; `read` gives the number a valid entry stands for, else undefined.
function readMap(
  record: Record<string, unknown>,
  key: string,
  problems: string[],
  read: (value: unknown) => number | undefined,
): Record<string, number> | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object") {
    problems.push(`${key}: expected an object, got ${describe(value)}`);
    return undefined;
  }
  const out: Record<string, number> = {};
  const details = value as Record<string, unknown>;
  for (const name in details) {
    if (!Object.hasOwn(details, name)) continue;
    const count = details[name];
    if (count === null || count === undefined) continue;
    const valid = read(count);
    if (valid !== undefined) out[name] = valid;
    else problems.push(`${key}.${name}: ${describe(count)} is not a non-negative ${kind(key)}`);
  }
  return out;
}

function kind(key: string): string {
  return key.endsWith("_cost_details") ? "amount" : "integer";
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? "an array" : typeof value;
}
