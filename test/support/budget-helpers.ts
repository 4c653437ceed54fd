import { expect } from "vitest";
import { BudgetExceededError } from "../../src/index.js";
import type { LoopbackServer } from "./loopback-server.js";
import { ChatOpenAI } from "@langchain/openai";

/** The BudgetExceededError a promise rejects with (fails the test when it resolves or rejects otherwise). */
export async function budgetRejection(promise: Promise<unknown>): Promise<BudgetExceededError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BudgetExceededError);
  return error as BudgetExceededError;
}

/** A LangChain.js ChatOpenAI (gpt-5.5) calling the loopback server, without retries. */
export function loopbackChatOpenAI(server: LoopbackServer): ChatOpenAI {
  return new ChatOpenAI({
    model: "gpt-5.5",
    apiKey: "test-key",
    maxRetries: 0,
    configuration: { baseURL: server.url("/v1") },
  });
}
