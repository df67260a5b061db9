/** Reads every page of a paged store listing (for info routes that show all of a user's keys or teams). */

const PAGE_SIZE = 1000;

export async function readAllPages<T>(
  readPage: (page: number, pageSize: number) => Promise<{ items: T[]; total: number }>,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const result = await readPage(page, PAGE_SIZE);
    items.push(...result.items);
    if (result.items.length < PAGE_SIZE || items.length >= result.total) return items;
  }
}
