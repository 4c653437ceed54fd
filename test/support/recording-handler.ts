import type { CallbackHandler, NewTokenFields, NewTokenIndices, Serialized } from "../../callbacks/index.js";
import type { LLMResult } from "../../schemas/index.js";

/** One callback event, as a recording handler saw it. */
export type RecordedEvent =
  | {
      kind: "start";
      runId: string;
      parentRunId?: string;
      llm: Serialized;
      messages: unknown[][];
      extraParams?: Record<string, unknown>;
      tags?: string[];
      metadata?: Record<string, unknown>;
      runName?: string;
    }
  | { kind: "token"; runId: string; token: string; idx: NewTokenIndices; chunk: unknown }
  | { kind: "end"; runId: string; output: LLMResult }
  | { kind: "error"; runId: string; error: unknown; extraParams?: Record<string, unknown> };

/** A handler that records every LLM event it receives (reading `fields.chunk` during the call). */
export class RecordingHandler implements CallbackHandler {
  readonly name = "RecordingHandler";
  readonly events: RecordedEvent[] = [];
  private readonly waiting: (() => void)[] = [];

  handleChatModelStart(
    llm: Serialized,
    messages: unknown[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.events.push({ kind: "start", runId, parentRunId, llm, messages, extraParams, tags, metadata, runName });
  }

  handleLLMNewToken(
    token: string,
    idx: NewTokenIndices,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: NewTokenFields,
  ): void {
    this.events.push({ kind: "token", runId, token, idx, chunk: fields?.chunk });
  }

  handleLLMEnd(output: LLMResult, runId: string): void {
    this.events.push({ kind: "end", runId, output });
    this.wake();
  }

  handleLLMError(
    error: unknown,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): void {
    this.events.push({ kind: "error", runId, error, extraParams });
    this.wake();
  }

  /** Settles once a run has ended (end or error): for runs that end after the caller got its value. */
  whenEnded(): Promise<void> {
    if (this.events.some((event) => event.kind === "end" || event.kind === "error")) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  ofKind<K extends RecordedEvent["kind"]>(kind: K): Extract<RecordedEvent, { kind: K }>[] {
    return this.events.filter((event): event is Extract<RecordedEvent, { kind: K }> => event.kind === kind);
  }

  /** The texts of the token events, in order. */
  tokens(): string[] {
    return this.ofKind("token").map((event) => event.token);
  }

  /** The single start event (fails the test when there is not exactly one run). */
  start(): Extract<RecordedEvent, { kind: "start" }> {
    const starts = this.ofKind("start");
    if (starts.length !== 1) throw new Error(`expected one run, saw ${starts.length}`);
    return starts[0] as Extract<RecordedEvent, { kind: "start" }>;
  }

  /** The single end event's result. */
  end(): LLMResult {
    const ends = this.ofKind("end");
    if (ends.length !== 1) throw new Error(`expected one end event, saw ${ends.length}`);
    return (ends[0] as Extract<RecordedEvent, { kind: "end" }>).output;
  }

  /** The single error event. */
  error(): Extract<RecordedEvent, { kind: "error" }> {
    const errors = this.ofKind("error");
    if (errors.length !== 1) throw new Error(`expected one error event, saw ${errors.length}`);
    return errors[0] as Extract<RecordedEvent, { kind: "error" }>;
  }
}
