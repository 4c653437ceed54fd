/** `1234567` → `"1,234,567"`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/**
 * USD with enough digits to tell small LLM costs apart: `$12.35`, `$0.0123`, `$0.000042`.
 */
export function formatUsd(value: number): string {
  if (value === 0) return "$0";
  const abs = Math.abs(value);
  const digits = abs >= 1 ? 2 : Math.min(8, Math.max(4, 1 - Math.floor(Math.log10(abs)) + 1));
  return `$${value.toFixed(digits)}`;
}

/** Milliseconds as `850ms`, `1.23s`, `2m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}m`;
}

/** Bytes as `512 B`, `12.3 MB`, `1.05 GB`. */
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

/** Epoch milliseconds as an ISO-8601 UTC time with milliseconds. */
export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "?";
}

/** The first line of `text`, cut to `max` characters with an ellipsis. */
export function firstLine(text: string, max: number): string {
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Lays out rows as a text table; columns listed in `right` are right-aligned. A row that is
 * `null` becomes a rule.
 */
export function table(header: string[], rows: (string[] | null)[], right: ReadonlySet<number>): string {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row ? (row[column] ?? "").length : 0))),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (right.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "─".repeat(width)).join("  ");
  return [line(header), rule, ...rows.map((row) => (row ? line(row) : rule))].join("\n");
}
