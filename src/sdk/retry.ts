const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
/** A `retry-after` longer than this is not waited for: the error goes back to the caller. */
export const MAX_RETRY_AFTER_SECONDS = 60;

/** Exponential backoff with jitter, never shorter than what the upstream asked for. */
export function retryDelayMs(
  attempt: number,
  retryAfterSeconds: number | undefined,
  random = Math.random,
): number {
  const backoff = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt) * (0.75 + 0.25 * random());
  if (retryAfterSeconds === undefined) return backoff;
  return Math.max(backoff, retryAfterSeconds * 1000);
}

export function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
