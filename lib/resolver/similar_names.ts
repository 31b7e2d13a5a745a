/**
 * "Did you mean": known project names close to one that does not exist.
 *
 * @module
 */

/**
 * Names within a small edit distance of `name` (a quarter of its length, at
 * least 1), closest first, at most 3.
 *
 * @example
 * ```ts
 * similarNames("requsts", ["requests", "flask"]); // ["requests"]
 * ```
 */
export function similarNames(name: string, known: readonly string[]): string[] {
  const limit = Math.max(1, Math.floor(name.length / 4));
  return known
    .map((candidate) => [candidate, editDistance(name, candidate, limit)] as const)
    .filter(([, distance]) => distance <= limit)
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([candidate]) => candidate);
}

function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
