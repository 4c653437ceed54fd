/** A validation issue as zod reports it: where, and what is wrong. */
export interface ValidationIssue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * Formats the first few validation issues as one line, `path: message; …`, for error messages
 * that name the problem without dumping the whole payload.
 *
 * @example
 * describeIssues([{ path: ["prices", "input"], message: "Too small" }]); // → "prices.input: Too small"
 */
export function describeIssues(issues: readonly ValidationIssue[], limit = 5): string {
  const shown = issues
    .slice(0, limit)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message));
  const more = issues.length > limit ? ` (+${issues.length - limit} more)` : "";
  return shown.join("; ") + more;
}
