import type { CallEvent } from "./call-event.js";
import { DEFAULT_DELIVERY, type DeliveryOptions, DeliveryQueue } from "./delivery-queue.js";
import { createGenericApiExporter, type Exporter } from "./generic-api.js";
import { createLangfuseExporter } from "./langfuse.js";
import { createOtelExporter } from "./otel.js";

/** The `litellm_settings` keys read here (LiteLLM's names). */
export interface CallbackSettings {
  success_callback?: readonly string[] | undefined;
  failure_callback?: readonly string[] | undefined;
  callbacks?: readonly string[] | undefined;
}

export interface CallbackCounters {
  sent(callback: string, count: number): void;
  dropped(callback: string, count: number, reason: string): void;
}

export interface CallbackLogger {
  warn(details: object, message: string): void;
}

const EXPORTERS: Readonly<Record<string, (env: NodeJS.ProcessEnv) => Exporter>> = {
  langfuse: createLangfuseExporter,
  otel: createOtelExporter,
  generic_api: createGenericApiExporter,
};

/** Callback names that need no exporter: the metrics are always on. */
const BUILT_IN: ReadonlySet<string> = new Set(["prometheus"]);

/** Callback names in the lists that llmgate does not implement (a start-up warning each). */
export function unsupportedCallbacks(settings: CallbackSettings): string[] {
  const names = [
    ...(settings.success_callback ?? []),
    ...(settings.failure_callback ?? []),
    ...(settings.callbacks ?? []),
  ];
  return [...new Set(names.filter((name) => EXPORTERS[name] === undefined && !BUILT_IN.has(name)))];
}

interface Target {
  exporter: Exporter;
  queue: DeliveryQueue<CallEvent>;
  onSuccess: boolean;
  onFailure: boolean;
}

/**
 * The configured callbacks, each with its own bounded queue: `publish` only enqueues, so a slow or
 * dead collector never reaches the request. `callbacks` gets both outcomes, `success_callback`
 * successes, `failure_callback` failures.
 */
export class CallbackHub {
  readonly #targets: Target[] = [];

  constructor(
    settings: CallbackSettings,
    env: NodeJS.ProcessEnv,
    counters: CallbackCounters,
    logger: CallbackLogger,
    delivery: Partial<DeliveryOptions> = {},
  ) {
    const success = new Set([...(settings.success_callback ?? []), ...(settings.callbacks ?? [])]);
    const failure = new Set([...(settings.failure_callback ?? []), ...(settings.callbacks ?? [])]);
    for (const name of new Set([...success, ...failure])) {
      const create = EXPORTERS[name];
      if (create === undefined) continue;
      const exporter = create(env);
      const options = { ...DEFAULT_DELIVERY, batchSize: exporter.batchSize, ...delivery };
      const queue = new DeliveryQueue<CallEvent>((batch) => exporter.send(batch), options, {
        sent: (count) => counters.sent(name, count),
        dropped: (count, reason) => counters.dropped(name, count, reason),
        failed: (error, attempt) =>
          logger.warn(
            { callback: name, attempt, error: error instanceof Error ? error.message : String(error) },
            "callback delivery failed",
          ),
      });
      this.#targets.push({ exporter, queue, onSuccess: success.has(name), onFailure: failure.has(name) });
    }
  }

  get isActive(): boolean {
    return this.#targets.length > 0;
  }

  publish(event: CallEvent): void {
    for (const target of this.#targets) {
      if (event.isSuccess ? target.onSuccess : target.onFailure) target.queue.push(event);
    }
  }

  /** At shutdown: what is queued is sent within `timeoutMs`, the rest counted as dropped. */
  async close(timeoutMs: number): Promise<void> {
    await Promise.all(this.#targets.map((target) => target.queue.close(timeoutMs)));
  }
}
