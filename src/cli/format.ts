/**
 * A count with thousands separators.
 *
 * @example
 * formatCount(1234567); // → "1,234,567"
 */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/**
 * USD with enough digits to tell small LLM costs apart (three significant digits below $1).
 *
 * @example
 * formatUsd(1238.2); // → "$1,238.20"
 * formatUsd(0.000042); // → "$0.0000420"
 */
export function formatUsd(value: number): string {
  if (value === 0) return "$0";
  const abs = Math.abs(value);
  if (abs >= 1) return `$${value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const digits = Math.min(8, Math.max(3, 2 - Math.floor(Math.log10(abs))));
  return `$${value.toFixed(digits)}`;
}

/**
 * A duration for people.
 *
 * @example
 * formatDuration(850); // → "850ms"
 * formatDuration(125_000); // → "2m 05s"
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}m`;
}

/**
 * A byte size in decimal units.
 *
 * @example
 * formatBytes(1_050_000_000); // → "1.05 GB"
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/**
 * Epoch milliseconds as an ISO-8601 UTC time with milliseconds (`?` when not a time).
 *
 * @example
 * formatTime(0); // → "1970-01-01T00:00:00.000Z"
 */
export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "?";
}

/**
 * The first line of `text`, cut to `max` characters with an ellipsis.
 *
 * @example
 * firstLine("RateLimitError: 429\nretry-after: 2", 12); // → "RateLimitEr…"
 */
export function firstLine(text: string, max: number): string {
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Lays out rows as a text table; columns listed in `right` are right-aligned. A row that is
 * `null` becomes a rule.
 *
 * @example
 * table(["model", "calls"], [["gpt-4o-mini", "3"], null, ["total", "3"]], new Set([1]));
 */
export function table(header: string[], rows: (string[] | null)[], right: ReadonlySet<number>): string {
  // A loop, not Math.max(...cells): a spread of 100k+ rows overflows the call stack.
  const widths = header.map((cell) => cell.length);
  for (const row of rows) {
    if (row) for (const [column, cell] of row.entries()) widths[column] = Math.max(widths[column] ?? 0, cell.length);
  }
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) =>
        right.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "─".repeat(width)).join("  ");
  const lines = [line(header), rule];
  for (const row of rows) lines.push(row ? line(row) : rule);
  return lines.join("\n");
}

// C0 and C1 control characters (ESC starts terminal escape sequences), DEL, line separators and the
// bidirectional overrides that can reorder what a terminal shows.
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a trace file made safe to print on a terminal: control characters, escape sequences'
 * introducers and bidi overrides become visible `\u….` escapes, so a run name can neither clear the
 * screen, set the title, write the clipboard nor hide text. One linear pass.
 *
 * @example
 * terminalSafe("evil\u001b]52;c;aGk=\u0007"); // "evil\\u001b]52;c;aGk=\\u0007"
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The closest of `candidates` to `input` (edit distance at most a third of its length, at least 2),
 * for "did you mean" hints.
 *
 * @example
 * closest("--jsno", ["--json", "--since"]); // "--json"
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(input.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(input.slice(0, 64), candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
