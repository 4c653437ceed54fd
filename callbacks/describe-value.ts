/**
 * A value as text for a message, never throwing: an error's message, a string as it is, anything
 * else as `String(value)`; a value that cannot become text (a null-prototype object, a revoked Proxy,
 * a throwing `toString`) as `[unprintable <type>]`.
 *
 * @example
 * describeValue(new Error("boom"));        // "boom"
 * describeValue(Object.create(null));     // "[unprintable object]"
 */
export function describeValue(value: unknown): string {
  try {
    if (value instanceof Error) return String(value.message);
    return typeof value === "string" ? value : String(value);
  } catch {
    return `[unprintable ${typeof value}]`;
  }
}
