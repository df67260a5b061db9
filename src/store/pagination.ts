/** Page arguments (1-based page, bounded size) as limit and offset. */
export function toLimitOffset(page: number | undefined, pageSize: number | undefined): [number, number] {
  const limit = Math.max(1, Math.min(Math.floor(pageSize ?? 50), 1000));
  const offset = (Math.max(1, Math.floor(page ?? 1)) - 1) * limit;
  return [limit, offset];
}
