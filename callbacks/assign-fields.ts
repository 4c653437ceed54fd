/**
 * Copies the own enumerable string-keyed fields of `source` onto `into` and returns `into`: what
 * `{ ...into, ...source }` gives (symbol keys aside; a `__proto__` key stays a plain field, as with
 * spread). Why not spread: V8 copies `{ ...source }` quickly only when nothing is added to the copy;
 * `{ ...a, ...b }`, `{ ...a, key }` or a key assigned to the copy later take a slow path of
 * 0.5–1 µs per object, and a run's start and end build several such objects.
 *
 * @example
 * const extra = assignFields(assignFields({}, startExtra), endExtra);
 * extra.metadata = metadata;
 */
export function assignFields(into: Record<string, unknown>, source: object | undefined): Record<string, unknown> {
  if (source === undefined) return into;
  const fields = source as Record<string, unknown>;
  for (const key in fields) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) continue;
    if (key === "__proto__") {
      Object.defineProperty(into, key, { value: fields[key], enumerable: true, writable: true, configurable: true });
    } else {
      into[key] = fields[key];
    }
  }
  return into;
}
