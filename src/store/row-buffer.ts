/** A FIFO of rows with O(1) push, shift and drop-oldest (an array with a moving head). */
export class RowBuffer<Row> {
  #items: Row[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(row: Row): void {
    this.#items.push(row);
  }

  /** Removes up to `count` rows from the front. */
  take(count: number): Row[] {
    const taken = this.#items.slice(this.#head, this.#head + count);
    this.#head += taken.length;
    this.#compact();
    return taken;
  }

  /** Puts rows back at the front, in order (a failed batch). */
  restore(rows: readonly Row[]): void {
    this.#items = [...rows, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** Drops up to `count` of the oldest rows; returns how many were dropped. */
  dropOldest(count: number): number {
    const dropped = Math.min(count, this.length);
    this.#head += dropped;
    this.#compact();
    return dropped;
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
