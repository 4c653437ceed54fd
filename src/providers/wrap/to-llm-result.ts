import { describeValue } from "../../../callbacks/describe-value.js";
import { emitWarning } from "../../../callbacks/warnings.js";
import type { GenerationMessage, LLMResult } from "../../../schemas/index.js";
import type { NormalizedResponse } from "../common/types.js";

/**
 * The LLMResult a chat-model run ends with, built from one normalized response: one generation whose
 * message carries the text, tool calls, usage and response metadata (LangChain's AIMessage fields),
 * and LangChain's `llmOutput.tokenUsage` when usage is known.
 *
 * @example
 * run.handleLLMEnd(toLLMResult(normalizeResponse(completion, { provider: "openai" })));
 */
export function toLLMResult(response: NormalizedResponse): LLMResult {
  const message: GenerationMessage = {
    content: response.text,
    tool_calls: response.tool_calls,
    response_metadata: response.response_metadata,
  };
  if (response.invalid_tool_calls.length > 0) message.invalid_tool_calls = response.invalid_tool_calls;
  const id = response.response_metadata.id;
  if (typeof id === "string") message.id = id;
  const usage = response.usage_metadata;
  if (usage === undefined) return { generations: [[{ text: response.text, message }]] };
  message.usage_metadata = usage;
  return {
    generations: [[{ text: response.text, message }]],
    llmOutput: {
      tokenUsage: {
        promptTokens: usage.input_tokens,
        completionTokens: usage.output_tokens,
        totalTokens: usage.total_tokens,
      },
    },
  };
}

/**
 * `toLLMResult(read())`, where a payload the normalizer cannot read (a proxy's odd body, a
 * non-JSON response) ends the run with no generation and a warning instead of failing the caller's
 * call, which itself succeeded.
 *
 * @example
 * run.end(readLLMResult(() => accumulator.result(), "openai stream"));
 */
export function readLLMResult(read: () => NormalizedResponse, what: string): LLMResult {
  try {
    return toLLMResult(read());
  } catch (error) {
    const reason = describeValue(error);
    emitWarning("unreadable_response", `Could not read the ${what}; the run ends without output: ${reason}`, error);
    return emptyLLMResult();
  }
}

/**
 * A result with no generation, for runs whose output runledger could not see.
 *
 * @example
 * run.end(emptyLLMResult()); // { generations: [[]] }
 */
export function emptyLLMResult(): LLMResult {
  return { generations: [[]] };
}
