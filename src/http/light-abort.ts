type AbortListener = (this: AbortSignal, event: Event) => unknown;

/**
 * The parts of AbortSignal that llmgate's call path and undici use, on a plain array. Node's
 * EventTarget costs ~4us per addEventListener/removeEventListener pair, and one proxied request
 * registers three to five of them (the SDK's link to the caller's signal, undici's two, the
 * router's for streams): this costs a few hundred nanoseconds for all of them.
 */
class LightAbortSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: AbortListener | null = null;
  private listeners: AbortListener[] = [];

  addEventListener(type: string, listener: AbortListener | null): void {
    if (type !== "abort" || listener === null || this.aborted) return;
    // As on an EventTarget, the same listener added twice is called once.
    if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: AbortListener | null): void {
    if (type !== "abort" || listener === null) return;
    const index = this.listeners.indexOf(listener);
    if (index >= 0) this.listeners.splice(index, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** Marks the signal aborted and calls each listener once, as an EventTarget would. */
  fire(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    const event = { type: "abort", target: this } as unknown as Event;
    const self = this as unknown as AbortSignal;
    for (const listener of this.onabort === null ? listeners : [...listeners, this.onabort]) {
      try {
        listener.call(self, event);
      } catch (error) {
        // An EventTarget reports a throwing listener as uncaught and still calls the others.
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }
}

/**
 * An AbortController for llmgate's own requests (the proxy's per-request signal, the SDK's per
 * attempt): same `signal` and `abort(reason)`, without EventTarget's cost. Its signal is not an
 * `instanceof AbortSignal`: never hand it to APIs that check that (AbortSignal.any, fetch).
 */
export class LightAbortController {
  private readonly light = new LightAbortSignal();
  readonly signal = this.light as unknown as AbortSignal;

  abort(reason?: unknown): void {
    this.light.fire(
      reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason,
    );
  }
}
