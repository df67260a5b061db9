/** Edit distance between two strings (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  const cell = (row: number, column: number): number => table[row]?.[column] ?? Number.POSITIVE_INFINITY;
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let best = Math.min(
        cell(row - 1, column) + 1,
        cell(row, column - 1) + 1,
        cell(row - 1, column - 1) + cost,
      );
      const isSwap =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (isSwap) {
        best = Math.min(best, cell(row - 2, column - 2) + 1);
      }
      const tableRow = table[row];
      if (tableRow !== undefined) {
        tableRow[column] = best;
      }
    }
  }
  return cell(rows - 1, columns - 1);
}

/**
 * The known key closest to `key`, or undefined when none is close enough to be a plausible typo.
 * Comparison ignores case and the difference between `-` and `_`.
 */
export function findClosestKey(key: string, knownKeys: readonly string[]): string | undefined {
  const normalize = (text: string): string => text.toLowerCase().replaceAll("-", "_");
  const wanted = normalize(key);
  let closest: string | undefined;
  let closestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of knownKeys) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance < closestDistance) {
      closest = candidate;
      closestDistance = distance;
    }
  }
  const allowedDistance = Math.max(2, Math.floor(wanted.length / 3));
  return closestDistance <= allowedDistance ? closest : undefined;
}
