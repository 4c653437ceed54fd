/**
 * One prompt's messages as one string, as LangChain.js's `getBufferString` writes it for handlers that
 * only have `handleLLMStart`: a line per message, `Human: …`, `AI: …`, `System: …`, `Tool: …` (or the
 * generic role), the name first when there is one, an AI message's tool calls appended as JSON.
 * Accepts LangChain.js messages and plain `{ role | type, content }` objects.
 *
 * @example
 * bufferString([{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }]); // "Human: Hi\nAI: Hello"
 */
export function bufferString(messages: unknown): string {
  if (!Array.isArray(messages)) return typeof messages === "string" ? messages : "";
  const lines: string[] = [];
  for (const message of messages) {
    if (typeof message === "string") {
      lines.push(`Human: ${message}`);
      continue;
    }
    if (typeof message !== "object" || message === null) continue;
    const m = message as Record<string, unknown>;
    const type = typeOf(m);
    const name = typeof m.name === "string" && m.name !== "" ? `${m.name}, ` : "";
    let line = `${PREFIX[type] ?? (typeof m.role === "string" ? m.role : type)}: ${name}${contentText(m.content)}`;
    if (type === "ai" && Array.isArray(m.tool_calls) && m.tool_calls.length > 0) line += JSON.stringify(m.tool_calls);
    lines.push(line);
  }
  return lines.join("\n");
}

const PREFIX: Record<string, string> = { human: "Human", ai: "AI", system: "System", tool: "Tool" };
const ROLES: Record<string, string> = { user: "human", assistant: "ai", developer: "system", function: "tool" };

function typeOf(m: Record<string, unknown>): string {
  const getType = m._getType ?? m.getType;
  if (typeof getType === "function") {
    const type: unknown = (getType as () => unknown).call(m);
    if (typeof type === "string") return type;
  }
  const type = typeof m.type === "string" ? m.type : typeof m.role === "string" ? m.role : "generic";
  return ROLES[type] ?? type;
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const block of content) {
    if (typeof block === "string") text += block;
    else if (typeof block === "object" && block !== null) {
      const b = block as { type?: unknown; text?: unknown };
      if (b.type === "text" && typeof b.text === "string") text += b.text;
      else if (b.type === "image" || b.type === "image_url") text += "[image]";
    }
  }
  return text;
}
