import { lazySchema } from "./lazy-zod.js";
import type { UsageMetadata } from "./usage.js";

/** A tool call the model asked for, as LangChain represents it. */
export interface ToolCall {
  id?: string;
  name: string;
  args: Record<string, unknown>;
  type?: "tool_call";
}

/** The message of a chat generation: enough of LangChain's AIMessage for usage and tracing. */
export interface GenerationMessage {
  content: unknown;
  usage_metadata?: UsageMetadata;
  response_metadata?: Record<string, unknown>;
  tool_calls?: ToolCall[];
  id?: string;
  [key: string]: unknown;
}

/** One completion: LangChain's `Generation`. */
export interface Generation {
  text: string;
  generationInfo?: Record<string, unknown>;
}

/** A chat completion: LangChain's `ChatGeneration`, which carries the message. */
export interface ChatGeneration extends Generation {
  message: GenerationMessage;
}

/** What an LLM run ends with: LangChain's `LLMResult` (one list of generations per prompt). */
export interface LLMResult {
  generations: (Generation | ChatGeneration)[][];
  llmOutput?: Record<string, unknown>;
}

const GenerationMessageSchema = lazySchema((z) =>
  z.looseObject({
    content: z.unknown(),
    usage_metadata: z.unknown().optional(),
    response_metadata: z.record(z.string(), z.unknown()).optional(),
    tool_calls: z.array(z.unknown()).optional(),
  }),
);

/** Loose check that a value has the LLMResult shape; counts inside are checked by `parseUsage`. */
export const LLMResultSchema = lazySchema((z) =>
  z.looseObject({
    generations: z.array(
      z.array(
        z.looseObject({
          text: z.string().optional(),
          generationInfo: z.record(z.string(), z.unknown()).optional(),
          message: GenerationMessageSchema.optional(),
        }),
      ),
    ),
    llmOutput: z.record(z.string(), z.unknown()).nullish(),
  }),
);
