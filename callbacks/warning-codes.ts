/**
 * Every `code` a `RunledgerWarning` can carry, with what it means: one documented list. Stable:
 * listeners branch on them. A new warning adds its code here first (`emitWarning` takes only these).
 */
export const WARNING_CODES = {
  // Callbacks and handlers
  handler_error: "a callback handler threw or rejected; the caller went on",
  invalid_handler: "a handler list entry that is not a handler (null, undefined, …); left out",
  handler_timeout: "an awaited handler (or awaitAllCallbacks) did not settle in time; not waited for",
  invalid_usage: "token usage with invalid counts: the invalid part dropped, the rest kept",
  // Tracing and headers
  unknown_parent: "a run names a parent no tracer knows; recorded as a root",
  unknown_run: "an end event for a run this tracer does not hold",
  invalid_parent: "a parent run whose dotted_order does not match its ids; ignored",
  invalid_run_type: 'an unknown run type; recorded as "chain"',
  invalid_run: "a run that cannot be written (no valid dotted_order, no UUID id); skipped",
  invalid_header: "an untrusted trace header (or part of it) that is malformed or too large; ignored",
  baggage_too_large: "run metadata too large for the baggage header; left out",
  // Providers and streams
  missing_usage:
    "a provider payload without token usage; usage_metadata left undefined (a stream broken mid-way: estimated from the tokens streamed)",
  unreadable_response: "a wrapped client's response body could not be read; the run ends without output",
  unreadable_body: "a Bedrock InvokeModel body that is not JSON; only the headers were read",
  unobserved_response: "a response or stream read outside the SDK's parsing; its output is not recorded",
  stream_event_dropped: "a stream event could not be merged into the run's output",
  unrecognized_chunk: "a stream chunk of unknown shape; skipped",
  chunk_merge_conflict: "a chunk field whose type changed between chunks; the newer value kept",
  chunk_merge_too_deep: "chunk values nested too deep to merge; the newer value kept",
  // OpenTelemetry
  duplicate_run: "a run started twice; the second start ignored",
  otel_attribute_dropped: "a value not serializable as a span attribute; left out",
  otel_open_run_limit: "too many runs open at once; the oldest trace was ended",
  runs_evicted: "runs that never ended were let go of (maxOpenRuns / maxOpenMillis); exported unfinished",
  content_mask_failed: "maskContent threw or changed the content's kind; nothing recorded",
  invalid_option: "an option with an unusable value; its default used instead",
  // Export
  runs_dropped: "runs dropped (queue full, export failed, shut down, spool full); counted",
  runs_spooled: "runs written to the spool directory for `runledger replay`",
  shutdown_timeout: "the exporter's shutdown did not finish by the deadline",
  flush_timeout: "flushAll's deadline passed with runs still being exported; they stay queued",
  signal_reraise_failed: "after flushing on a signal, the process could not be ended by that signal",
  unsafe_spool: "a spool directory that is a link, another user's or writable by others; not replayed",
  hide_failed: "hideInputs / hideOutputs threw or returned a non-object; {} sent instead",
  langsmith_no_api_key: "LangSmithRunExporter has no API key",
  langsmith_info_failed: "LangSmith's GET /info failed or gave no info; the langsmith client's defaults used",
  run_too_large: "LangSmith refused a run as too large (413) even alone; dropped and counted",
  invalid_attachment: "a run attachment that cannot be sent (bad name, media type or bytes); skipped",
  // Cost
  invalid_price_table: "the price table is invalid or could not be loaded; cost turned off",
} as const;

/** The code of a `RunledgerWarning`: one of `WARNING_CODES`. */
export type WarningCode = keyof typeof WARNING_CODES;
