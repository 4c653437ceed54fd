import type Anthropic from "@anthropic-ai/sdk";
import { generateText, type LanguageModel } from "ai";
import type OpenAI from "openai";
import { getCurrentRun, traceable } from "../../src/index.js";
import { streamedAnswer } from "./recordings.js";

const ORDERS: Record<string, { items: string; shipped: string; eta: string; warehouse: string }> = {
  "A-1042": { items: "2 × trail running shoes", shipped: "2026-11-20", eta: "2026-11-24", warehouse: "Leipzig" },
};

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  {
    type: "function",
    function: {
      name: "lookup_order",
      description: "Look up an order by its id",
      parameters: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] },
    },
  },
];

/** What the agent returns: its answer and the trace it ran in. */
export interface AgentAnswer {
  answer: string;
  traceId: string;
}

/**
 * A small support agent: gpt-4.1-nano (through the Vercel AI SDK) files the question under a topic,
 * gpt-4o-mini picks a tool, the tool runs, Claude summarizes the order
 * (retrying once when the API is overloaded), and gpt-4o-mini streams the answer. Every step is a
 * traced run; the model calls go through runledger's wrapped SDK clients and AI SDK middleware.
 */
export function createSupportAgent(
  openai: OpenAI,
  anthropic: Anthropic,
  triageModel: LanguageModel,
  onToken: (text: string) => void,
) {
  const lookupOrder = traceable(async (orderId: string) => ORDERS[orderId] ?? { error: `no order ${orderId}` }, {
    name: "lookup_order",
    runType: "tool",
  });

  const summarizeOrder = traceable(
    async (order: unknown): Promise<string> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const message = await anthropic.messages.create({
            model: "claude-haiku-4-5",
            max_tokens: 200,
            system: "Summarize order records for a support agent in one sentence.",
            messages: [{ role: "user", content: JSON.stringify(order) }],
          });
          return message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
        } catch (error) {
          if (attempt === 3) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        }
      }
    },
    { name: "summarize_order" },
  );

  return traceable(
    async (question: string): Promise<AgentAnswer> => {
      const traceId = getCurrentRun()?.trace_id ?? "";
      const { text: topic } = await generateText({
        model: triageModel,
        system: "File the customer's question under one topic: order_status, returns, product, other.",
        prompt: question,
        temperature: 0,
      });
      const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
        { role: "system", content: `You are a helpful support agent for an outdoor shop. Topic: ${topic}.` },
        { role: "user", content: question },
      ];
      const planned = await openai.chat.completions.create({ model: "gpt-4o-mini", messages, tools, temperature: 0 });
      const call = planned.choices[0]?.message.tool_calls?.[0];
      const orderId =
        call?.type === "function" ? (JSON.parse(call.function.arguments) as { order_id: string }).order_id : "A-1042";
      const order = await lookupOrder(orderId);
      const summary = await summarizeOrder(order);

      const stream = await openai.chat.completions.create({
        model: "gpt-4o-mini",
        stream: true,
        temperature: 0.3,
        messages: [...messages, { role: "system", content: `Order facts: ${summary}` }],
      });
      let answer = "";
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) {
          answer += delta;
          onToken(delta);
        }
      }
      return { answer: answer || streamedAnswer.join(""), traceId };
    },
    { name: "support_agent", metadata: { customer_id: "c-2381", channel: "chat" }, tags: ["demo"] },
  );
}
