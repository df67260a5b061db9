/**
 * A repeat of a stop signal within this many milliseconds is the same signal delivered twice: a
 * signal to the whole process group reaches the `llmgate` launcher and the node it started (and a
 * primary and its workers), and the launcher (or primary) passes it on as well.
 */
export const SAME_SIGNAL_WINDOW_MS = 1_000;

export interface StopHandlers {
  /** The first SIGTERM or SIGINT: drain. */
  first(signal: NodeJS.Signals): void;
  /** A later one: stop at once. */
  again(signal: NodeJS.Signals): void;
}

/** Calls `first` on the first SIGTERM/SIGINT, `again` on each later one outside the same-signal window. */
export function onStopSignals(
  handlers: StopHandlers,
  now: () => number = Date.now,
): (signal: NodeJS.Signals) => void {
  let firstAt: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    const at = now();
    if (firstAt === undefined) {
      firstAt = at;
      handlers.first(signal);
    } else if (at - firstAt >= SAME_SIGNAL_WINDOW_MS) {
      handlers.again(signal);
    }
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
  return handle;
}
