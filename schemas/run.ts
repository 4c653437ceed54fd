import type { z } from "zod";
import { lazySchema } from "./lazy-zod.js";
import { UsageMetadataSchema, UsdSchema } from "./usage.js";

/** The kinds of run LangSmith knows (plain, for checks that should not build the schema). */
export const RUN_TYPES = ["tool", "chain", "llm", "retriever", "embedding", "prompt", "parser"] as const;

/** The kinds of run LangSmith knows. */
export const RunTypeSchema = lazySchema((z) => z.enum(RUN_TYPES));
export type RunType = z.infer<typeof RunTypeSchema>;

/**
 * An ISO-8601 time. runledger writes UTC with microseconds (`2024-05-01T12:00:00.123456Z`); on input it
 * also accepts offsets and the zone-less form Python's `isoformat()` writes.
 */
export const IsoTimeSchema = lazySchema((z) => z.iso.datetime({ offset: true, local: true }));

/**
 * A run time on read: an ISO-8601 time, or epoch milliseconds as the `langsmith` client sends them
 * (`Date.now()`, a fraction kept as microseconds), converted to runledger's ISO form.
 *
 * @example
 * RunTimeSchema.parse(1714564800123.5); // "2024-05-01T12:00:00.123500Z"
 */
export const RunTimeSchema: z.ZodType<string> = lazySchema((z) =>
  z.union([
    IsoTimeSchema,
    z
      .number()
      .nonnegative()
      .max(253_402_300_799_999) // 9999-12-31T23:59:59.999Z: a four-digit year
      .transform(isoFromMillis),
  ]),
);

function isoFromMillis(millis: number): string {
  const whole = Math.floor(millis);
  const micros = Math.min(999, Math.round((millis - whole) * 1000));
  return `${new Date(whole).toISOString().slice(0, -1)}${String(micros).padStart(3, "0")}Z`;
}

const Uuid = lazySchema((z) =>
  z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "not a UUID"),
);
const Dict = lazySchema((z) => z.record(z.string(), z.unknown()));

/** One event in a run's life: `start`, `end`, `error`, `new_token`, … */
export const RunEventSchema = lazySchema((z) =>
  z.object({
    name: z.string(),
    time: RunTimeSchema,
    kwargs: Dict.nullish(),
  }),
);
export type RunEvent = z.infer<typeof RunEventSchema>;

/** `extra` holds free-form run data; `extra.metadata` is the run's metadata. */
export const RunExtraSchema = lazySchema((z) =>
  z.looseObject({
    metadata: z.looseObject({ usage_metadata: UsageMetadataSchema.optional() }).optional(),
  }),
);

// The fields RunSchema and RunCreateSchema share.
const RunFieldsSchema = lazySchema((z) =>
  z.object({
    id: Uuid,
    name: z.string(),
    run_type: RunTypeSchema,
    start_time: RunTimeSchema,
    end_time: RunTimeSchema.nullish(),
    extra: RunExtraSchema.nullish(),
    error: z.string().nullish(),
    serialized: Dict.nullish(),
    events: z.array(RunEventSchema).nullish(),
    inputs: Dict,
    outputs: Dict.nullish(),
    reference_example_id: Uuid.nullish(),
    parent_run_id: Uuid.nullish(),
    tags: z.array(z.string()).nullish(),
    attachments: Dict.nullish(),
    trace_id: Uuid,
    dotted_order: z.string(),
    session_name: z.string().nullish(),
    session_id: Uuid.nullish(),
    status: z.string().nullish(),
    execution_order: z.int().nonnegative().nullish(),
    child_execution_order: z.int().nonnegative().nullish(),
    prompt_tokens: z.int().nonnegative().nullish(),
    completion_tokens: z.int().nonnegative().nullish(),
    total_tokens: z.int().nonnegative().nullish(),
    first_token_time: RunTimeSchema.nullish(),
    prompt_cost: UsdSchema.nullish(),
    completion_cost: UsdSchema.nullish(),
    total_cost: UsdSchema.nullish(),
    child_run_ids: z.array(Uuid).nullish(),
    parent_run_ids: z.array(Uuid).nullish(),
    feedback_stats: Dict.nullish(),
    app_path: z.string().nullish(),
    manifest_id: Uuid.nullish(),
    in_dataset: z.boolean().nullish(),
  }),
);

/** A LangSmith run: one unit of work (an LLM call, a chain, a tool, …) in a trace. */
export interface Run extends z.infer<typeof RunFieldsSchema> {
  /** Child runs, when a reader loaded them (LangSmith's `child_runs`). */
  child_runs?: Run[] | null;
}

export const RunSchema: z.ZodType<Run> = lazySchema((z) =>
  z.object({
    ...RunFieldsSchema.shape,
    child_runs: z.array(z.lazy(() => RunSchema)).nullish(),
  }),
);

/** The body of a run creation (`POST /runs`, `post` in `/runs/batch`). */
export const RunCreateSchema = lazySchema((z) => z.object({ ...RunFieldsSchema.shape }));
export type RunCreate = z.infer<typeof RunCreateSchema>;

/**
 * The body of a run update (`PATCH /runs/{id}`, `patch` in `/runs/batch`), with every field the
 * `langsmith` client's `RunUpdate` has.
 */
export const RunUpdateSchema = lazySchema((z) =>
  z.object({
    id: Uuid,
    trace_id: Uuid,
    dotted_order: z.string(),
    name: z.string().nullish(),
    run_type: RunTypeSchema.nullish(),
    start_time: RunTimeSchema.nullish(),
    serialized: Dict.nullish(),
    session_id: Uuid.nullish(),
    parent_run_id: Uuid.nullish(),
    end_time: RunTimeSchema.nullish(),
    outputs: Dict.nullish(),
    error: z.string().nullish(),
    events: z.array(RunEventSchema).nullish(),
    extra: RunExtraSchema.nullish(),
    tags: z.array(z.string()).nullish(),
    session_name: z.string().nullish(),
    inputs: Dict.nullish(),
    reference_example_id: Uuid.nullish(),
    attachments: Dict.nullish(),
  }),
);
export type RunUpdate = z.infer<typeof RunUpdateSchema>;
