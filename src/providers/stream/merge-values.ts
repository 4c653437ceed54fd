import { emitWarning } from "../../../callbacks/warnings.js";
import { isRecord, type JsonRecord } from "../common/records.js";

/** String fields that name something: the newer non-empty value replaces the older, never appended. */
const IDENTITY_KEYS: ReadonlySet<string> = new Set([
  "id",
  "name",
  "output_version",
  "model_provider",
  "model_name",
  "model",
]);

/** Fields that identify a position or a moment: the first value stays (LangChain's ignore keys, plus `type`). */
const FIRST_WINS_KEYS: ReadonlySet<string> = new Set(["type", "index", "created", "created_at", "timestamp"]);

/**
 * Deeper than this, two nested values are not merged: the newer one is kept. Real chunks nest a few
 * levels; a hostile payload nested thousands of levels deep must not overflow the stack.
 */
const MAX_MERGE_DEPTH = 64;

/**
 * Merges two message-chunk dictionaries the way LangChain's `_mergeDicts` does: strings are
 * appended (pieces of one text), numbers added, nested objects merged, lists merged by `index`/`id`.
 * Two deliberate differences: identity strings such as `model_name` are replaced rather than appended
 * (LangChain only avoids "gpt-4ogpt-4o" because providers send the name once), and conflicting
 * values are resolved in favour of the newer one with a warning instead of throwing. Values nested
 * deeper than 64 levels are not merged: the newer one is kept, with a warning.
 */
export function mergeDicts(left: JsonRecord, right: JsonRecord, depth = 0): JsonRecord {
  if (depth >= MAX_MERGE_DEPTH) {
    emitWarning(
      "chunk_merge_too_deep",
      `concatChunks: values nested deeper than ${MAX_MERGE_DEPTH} levels were not merged; the newer one was kept`,
    );
    return right;
  }
  const merged: JsonRecord = { ...left };
  for (const key of Object.keys(right)) {
    const next = right[key];
    const prev = merged[key];
    if (prev === undefined || prev === null) {
      merged[key] = next;
    } else if (next === undefined || next === null || FIRST_WINS_KEYS.has(key)) {
      continue;
    } else if (typeof prev === "string" && typeof next === "string") {
      merged[key] = IDENTITY_KEYS.has(key) ? (next === "" ? prev : next) : prev + next;
    } else if (typeof prev === "number" && typeof next === "number") {
      merged[key] = prev + next;
    } else if (Array.isArray(prev) && Array.isArray(next)) {
      merged[key] = mergeLists(prev, next, depth + 1);
    } else if (isRecord(prev) && isRecord(next)) {
      merged[key] = mergeDicts(prev, next, depth + 1);
    } else if (prev !== next) {
      if (typeof prev !== typeof next || Array.isArray(prev) !== Array.isArray(next)) {
        emitWarning(
          "chunk_merge_conflict",
          `concatChunks: field "${key}" has a different type in each chunk; the newer value was kept`,
        );
      }
      merged[key] = next;
    }
  }
  return merged;
}

/**
 * Merges two lists of chunk parts: an item with the same `index` as an earlier one (and the same `id`
 * when both have one) is merged into it, other items are appended in order (empty text parts dropped).
 */
export function mergeLists(left: readonly unknown[], right: readonly unknown[], depth = 0): unknown[] {
  const merged = [...left];
  for (const item of right) {
    const target = findMergeTarget(merged, item);
    const existing = target === -1 ? undefined : merged[target];
    if (isRecord(existing) && isRecord(item)) merged[target] = mergeDicts(existing, item, depth + 1);
    else if (isRecord(item) && item.text === "" && "type" in item) continue;
    else merged.push(item);
  }
  return merged;
}

function hasIndex(value: JsonRecord): boolean {
  return typeof value.index === "number" || typeof value.index === "string";
}

function hasId(value: JsonRecord): boolean {
  return typeof value.id === "string" && value.id !== "";
}

/** A `text` part and a `text_delta` part are the same kind of part. */
function sameKind(a: JsonRecord, b: JsonRecord): boolean {
  if (typeof a.type !== "string" || typeof b.type !== "string") return true;
  return a.type.replace(/_delta$/, "") === b.type.replace(/_delta$/, "");
}

function findMergeTarget(merged: readonly unknown[], item: unknown): number {
  if (!isRecord(item)) return -1;
  const itemHasIndex = hasIndex(item);
  const itemHasId = hasId(item);
  if (!itemHasIndex && !itemHasId) return -1;
  return merged.findIndex((candidate) => {
    if (!isRecord(candidate)) return false;
    if (itemHasIndex && hasIndex(candidate)) {
      if (candidate.index !== item.index || !sameKind(candidate, item)) return false;
      return !(itemHasId && hasId(candidate)) || candidate.id === item.id;
    }
    return !itemHasIndex && !hasIndex(candidate) && itemHasId && hasId(candidate) && candidate.id === item.id;
  });
}

/** Merges message contents: strings are appended; a string next to a list of parts becomes a text part. */
export function mergeContent(
  left: string | readonly unknown[],
  right: string | readonly unknown[],
): string | unknown[] {
  if (typeof left === "string") {
    if (left === "") return typeof right === "string" ? right : [...right];
    if (typeof right === "string") return left + right;
    return right.length === 0 ? left : [{ type: "text", text: left }, ...right];
  }
  if (typeof right === "string") return right === "" ? [...left] : [...left, { type: "text", text: right }];
  return mergeLists(left, right);
}
