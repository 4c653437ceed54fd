import type { Attributes, AttributeValue } from "@opentelemetry/api";
import { emitWarning } from "../../callbacks/warnings.js";
import {
  isSecretKey,
  maskRecurringString,
  maskSecretsInString,
  REDACTED,
  secretMaskingReplacer,
} from "../export/redact.js";
import type { AttributeSink } from "./attributes.js";
import { ATTR } from "./semconv.js";

/** Where a run sits in its LangSmith trace. */
export interface RunPlacement {
  runId: string;
  /** The root run's id (LangSmith's trace id). */
  traceId: string;
  /** The parent run's id; undefined for a root. */
  parentRunId?: string;
  dottedOrder: string;
}

/** What LangSmith shows of a run besides its place in the tree. */
export interface RunLabels {
  /** LangSmith run type: llm, chain, tool, retriever, embedding, prompt, parser. */
  runType: string;
  /** The run's name, credentials masked already (`maskedRunName`: it is the span name too). */
  name: string;
  tags?: readonly string[];
  metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Writes the attributes LangSmith's OTel ingest reads to rebuild the run tree (`langsmith.span.*`,
 * `langsmith.trace.*`) and the run's labels (`langsmith.trace.name`, `langsmith.span.tags` as one
 * ", "-joined string, `langsmith.metadata.<key>`). Metadata strings, finite numbers and booleans are
 * kept as they are; other values are JSON; a value that cannot be serialized is left out with a
 * warning. Credentials are masked (`maskSecrets`): by key name (`langsmith.metadata.api_key` is
 * `[REDACTED]`) and by shape in tags and values; the name comes masked (masking it again changed
 * nothing and scanned it a second time on every span).
 *
 * @example
 * setLangSmithAttributes(span,
 *   { runId, traceId: rootId, parentRunId, dottedOrder },
 *   { runType: "chain", name: "agent", tags: ["prod"], metadata: { user: "u1" } });
 */
export function setLangSmithAttributes(into: AttributeSink, placement: RunPlacement, labels: RunLabels): void {
  into.setAttribute(ATTR.LANGSMITH_SPAN_KIND, labels.runType);
  into.setAttribute(ATTR.LANGSMITH_TRACE_NAME, labels.name);
  into.setAttribute(ATTR.LANGSMITH_SPAN_ID, placement.runId);
  into.setAttribute(ATTR.LANGSMITH_TRACE_ID, placement.traceId);
  into.setAttribute(ATTR.LANGSMITH_SPAN_DOTTED_ORDER, placement.dottedOrder);
  if (placement.parentRunId !== undefined) into.setAttribute(ATTR.LANGSMITH_SPAN_PARENT_ID, placement.parentRunId);
  if (labels.tags !== undefined && labels.tags.length > 0) {
    into.setAttribute(ATTR.LANGSMITH_SPAN_TAGS, maskSecretsInString(labels.tags.join(", ")));
  }
  if (labels.metadata === undefined) return;
  const metadata = labels.metadata;
  for (const key in metadata) {
    if (!Object.hasOwn(metadata, key)) continue;
    const raw = metadata[key];
    if (raw === undefined || raw === null) continue;
    const known = metadataKey(key);
    const value = metadataValue(raw, key, known.secret);
    if (value !== undefined) into.setAttribute(known.attribute, value);
  }
}

/**
 * The allow-listed metadata keys of a run as metric attributes (`langsmith.metadata.<key>`, values as
 * on spans); undefined when the run has none of them. Metrics get only these: every distinct value is
 * a new time series, so which keys become dimensions is the caller's explicit choice.
 *
 * @example
 * metricMetadataAttributes({ user_id: "u1", prompt: "…" }, ["user_id"]); // { "langsmith.metadata.user_id": "u1" }
 */
export function metricMetadataAttributes(
  metadata: Readonly<Record<string, unknown>> | undefined,
  keys: readonly string[],
): Attributes | undefined {
  if (metadata === undefined) return undefined;
  let attributes: Attributes | undefined;
  for (const key of keys) {
    if (!Object.hasOwn(metadata, key)) continue;
    const known = metadataKey(key);
    const value = metadataValue(metadata[key], key, known.secret);
    if (value !== undefined) (attributes ??= {})[known.attribute] = value;
  }
  return attributes;
}

/** What a metadata key gives: its attribute name and whether its name marks a credential. */
interface MetadataKey {
  attribute: string;
  secret: boolean;
}

// Per metadata key, cached: `langsmith.metadata.<key>` (a freshly concatenated name must be hashed
// again each time it is used as a key) and `isSecretKey(key)` (a pure function of the key), one
// lookup for both. The same keys come back run after run. Bounded, so ever-new keys cannot grow it
// without limit.
const MAX_CACHED_KEYS = 1024;
const metadataKeys = new Map<string, MetadataKey>();

function metadataKey(key: string): MetadataKey {
  let known = metadataKeys.get(key);
  if (known === undefined) {
    known = { attribute: ATTR.LANGSMITH_METADATA_PREFIX + key, secret: isSecretKey(key) };
    if (metadataKeys.size < MAX_CACHED_KEYS) metadataKeys.set(key, known);
  }
  return known;
}

function metadataValue(value: unknown, key: string, secretKey: boolean): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (secretKey && value !== "") return REDACTED;
  if (typeof value === "string") return maskRecurringString(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  try {
    // Functions and symbols serialize to undefined (the lib types say string): left out too.
    const json: string | undefined = JSON.stringify(value, secretMaskingReplacer);
    return json;
  } catch (error) {
    emitWarning("otel_attribute_dropped", `Metadata "${key}" is not serializable; left out of the span`, error);
    return undefined;
  }
}
