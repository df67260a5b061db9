/**
 * Requests for the same key at the same time: the first one asks the upstream, the others wait for
 * its answer instead of asking too (in this process). If the first gets no answer to store (an
 * error, a broken stream), the others go on their own.
 */
export class InFlight {
  readonly #pending = new Map<string, Promise<string | undefined>>();

  /** The answer another request with this key is getting now, or undefined when none is. */
  waitFor(key: string): Promise<string | undefined> | undefined {
    return this.#pending.get(key);
  }

  /** Marks this request as the one getting the answer; call the result once, with it or undefined. */
  lead(key: string): (body: string | undefined) => void {
    if (this.#pending.has(key)) return () => {};
    let resolve: (body: string | undefined) => void = () => {};
    const promise = new Promise<string | undefined>((settle) => {
      resolve = settle;
    });
    this.#pending.set(key, promise);
    let isSettled = false;
    return (body) => {
      if (isSettled) return;
      isSettled = true;
      if (this.#pending.get(key) === promise) this.#pending.delete(key);
      resolve(body);
    };
  }

  get size(): number {
    return this.#pending.size;
  }
}
