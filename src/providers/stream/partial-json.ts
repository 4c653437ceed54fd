/** How many trailing characters to try dropping before giving up on a fragment. */
const MAX_TRIMS = 32;

/**
 * Parses the prefix of a JSON text that is still streaming, as LangChain's `parsePartialJson` does:
 * open strings, arrays and objects are closed, and a dangling fragment at the end (a key without a
 * value, half a literal) is dropped. Returns undefined when no prefix parses.
 *
 * @example
 * parsePartialJson('{"location": "Bos'); // → { location: "Bos" }
 */
export function parsePartialJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not complete yet: close it below.
  }
  for (let end = text.length, trims = 0; end > 0 && trims <= MAX_TRIMS; end--, trims++) {
    const closed = close(text.slice(0, end));
    if (closed === undefined) continue;
    try {
      return JSON.parse(closed);
    } catch {
      // Try a shorter prefix.
    }
  }
  return undefined;
}

/** `prefix` with its open string and brackets closed; undefined when its brackets do not nest. */
function close(prefix: string): string | undefined {
  const closers: string[] = [];
  let inString = false;
  let escaped = false;
  for (const char of prefix) {
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{") closers.push("}");
    else if (char === "[") closers.push("]");
    else if (char === "}" || char === "]") {
      if (closers.pop() !== char) return undefined;
    }
  }
  if (escaped) return undefined;
  return prefix + (inString ? '"' : "") + closers.reverse().join("");
}
