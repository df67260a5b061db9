import { APIConnectionError, InternalServerError, LlmgateError, Timeout } from "../errors/index.js";
import type { Operation } from "../providers/types.js";
import { chunkBatches } from "../sdk/chunk-batches.js";
import type { CallParams, CallResult } from "../sdk/types.js";
import type { Deployment } from "./deployment.js";
import { resumeStream } from "./first-chunk.js";
import { type ResolvedGroup, upstreamModel } from "./model-groups.js";
import { inBackground, type RouterRuntime } from "./runtime.js";
import { minuteOf } from "./state/router-state.js";

export interface AttemptRequest<K extends Operation> {
  readonly operation: K;
  /** The request without routing fields; the deployment's params are merged over it. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly resolved: ResolvedGroup;
  readonly deployment: Deployment;
  readonly isStream: boolean;
  /** Seconds for the attempt, and to a stream's first chunk. */
  readonly timeout: number | undefined;
  readonly streamTimeout: number | undefined;
  readonly signal: AbortSignal | undefined;
}

export type AttemptOutcome<K extends Operation> =
  | { ok: true; result: CallResult<K> }
  | { ok: false; error: LlmgateError };

/**
 * The tokens an answer used, for the deployment's tpm: chat's `usage.total_tokens`, a Responses
 * stream's last event (`response.completed`, usage under `response`), or Anthropic's and Responses'
 * `input_tokens + output_tokens`.
 */
export function totalTokensOf(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const holder = "usage" in value ? value : "response" in value ? value.response : undefined;
  if (typeof holder !== "object" || holder === null || !("usage" in holder)) return undefined;
  const usage = holder.usage as Record<string, unknown> | null;
  if (typeof usage !== "object" || usage === null) return undefined;
  if (typeof usage.total_tokens === "number") return usage.total_tokens;
  const input = typeof usage.input_tokens === "number" ? usage.input_tokens : 0;
  const output = typeof usage.output_tokens === "number" ? usage.output_tokens : 0;
  return input + output > 0 ? input + output : undefined;
}

function toLlmgateError(
  error: unknown,
  deployment: Deployment,
  signal: AbortSignal | undefined,
): LlmgateError {
  if (LlmgateError.is(error)) return error;
  if (signal?.aborted === true) {
    return new APIConnectionError({ message: "The request was aborted by the client.", cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new InternalServerError({ message: `${deployment.model}: ${message}`, cause: error });
}

/**
 * One call to one deployment, bounded by its timeout. A stream counts as a success only once its
 * first chunk arrived, so a stream failing before that is retried like any failed call. Tracks
 * in-flight, latency (time to first chunk for streams) and tokens.
 */
export async function runAttempt<K extends Operation>(
  runtime: RouterRuntime,
  request: AttemptRequest<K>,
): Promise<AttemptOutcome<K>> {
  const { deployment, isStream } = request;
  const outer = request.signal;
  if (outer?.aborted === true) {
    // The selection already counted this deployment in flight: uncount it, or it looks busy forever.
    inBackground(runtime, runtime.state.endRequest(deployment.id), "endRequest");
    return { ok: false, error: toLlmgateError(outer.reason, deployment, outer) };
  }
  // The SDK's call enforces `timeout` and the caller's signal itself, so a plain response needs no
  // watch of ours (a timer and a listener cost ~10us per request). A stream does: `stream_timeout`
  // bounds its first chunk, not only its first byte. So does an injected call that may not enforce.
  const isWatched = isStream || !runtime.callEnforcesTimeouts;
  const limit = !isWatched
    ? undefined
    : isStream
      ? (request.streamTimeout ?? request.timeout)
      : request.timeout;
  const watchedSignal = isWatched ? outer : undefined;
  // No AbortController of our own: a listener on a fresh signal costs ~10us in Node. The SDK gets
  // the caller's signal; our timer only stops waiting (and closes a stream that is late).
  let abandon: ((reason: unknown) => void) | undefined;
  let isAbandoned = false;
  const abandoned =
    limit === undefined && watchedSignal === undefined
      ? undefined
      : new Promise<never>((_, reject) => {
          abandon = (reason) => {
            isAbandoned = true;
            reject(reason);
          };
        });
  abandoned?.catch(() => undefined);
  const timer =
    limit === undefined
      ? undefined
      : setTimeout(() => {
          abandon?.(
            new Timeout({
              message: `${deployment.model} (deployment ${deployment.id}) did not answer within ${limit}s`,
              provider: deployment.provider,
              model: deployment.model,
            }),
          );
        }, limit * 1000);
  const onOuterAbort = () => abandon?.(outer?.reason);
  const race = <T>(promise: Promise<T>): Promise<T> =>
    abandoned === undefined ? promise : Promise.race([promise, abandoned]);
  // As in LiteLLM's router, the request's fields win over the deployment's defaults (a client's
  // `temperature` over the config's); the proxy lets no credential field through unless allowed.
  // Object.assign, not spreads: a spread followed by new keys costs ~3us per request in Node 20.
  const params: Record<string, unknown> = Object.assign({}, deployment.callDefaults, request.body);
  params.model = upstreamModel(deployment, request.resolved.captures);
  params.max_retries = 0;
  if (request.timeout !== undefined) params.timeout = request.timeout;
  if (request.streamTimeout !== undefined) params.stream_timeout = request.streamTimeout;
  if (outer !== undefined) params.signal = outer;
  const startedAt = runtime.clock();
  const finish = (lastValue: unknown) => {
    const now = runtime.clock();
    inBackground(runtime, runtime.state.endRequest(deployment.id), "endRequest");
    const tokens = totalTokensOf(lastValue);
    if (tokens !== undefined && tokens > 0) {
      inBackground(runtime, runtime.state.addTokens(deployment.id, minuteOf(now), tokens), "addTokens");
    }
    return now;
  };
  try {
    const pending = runtime.call(request.operation, params as CallParams<K>, {
      env: runtime.env,
      parseLazily: runtime.parseLazily,
      maxResponseBytes: runtime.maxResponseBytes,
      deploymentMode: deployment.mode,
    });
    watchedSignal?.addEventListener("abort", onOuterAbort, { once: true });
    if (abandoned !== undefined) {
      pending.then(
        (late) => {
          // A stream that arrives after we stopped waiting is nobody's: close it.
          if (isAbandoned && late.kind === "stream") late.stream.abort(new Error("abandoned by the router"));
        },
        () => undefined,
      );
    }
    const result = await race(pending);
    if (result.kind === "response") {
      runtime.latency.recordLatency(deployment.id, finish(result.summary ?? result.data) - startedAt);
      return { ok: true, result };
    }
    const batches = chunkBatches(result.stream);
    let first: IteratorResult<unknown[], undefined>;
    try {
      first = await race(batches.next());
    } catch (error) {
      result.stream.abort(error);
      throw error;
    }
    runtime.latency.recordTimeToFirstChunk(deployment.id, runtime.clock() - startedAt);
    const stream = resumeStream(first, batches, result.stream, {
      onEnd: (lastChunk) => runtime.latency.recordLatency(deployment.id, finish(lastChunk) - startedAt),
    });
    return { ok: true, result: Object.assign({}, result, { stream }) as CallResult<K> };
  } catch (error) {
    const failure = toLlmgateError(error, deployment, outer);
    if (!LlmgateError.is(error) && failure instanceof InternalServerError) {
      // Not an upstream's answer but a fault of ours: its stack is what a fix needs.
      runtime.logger.warn({ err: error, deploymentId: deployment.id }, "router: unexpected error in a call");
    }
    const elapsed = finish(undefined) - startedAt;
    // A timeout is a latency too: latency-based routing must learn that this deployment is slow.
    if (failure.status === 408) runtime.latency.recordLatency(deployment.id, elapsed);
    return { ok: false, error: failure };
  } finally {
    clearTimeout(timer);
    watchedSignal?.removeEventListener("abort", onOuterAbort);
  }
}
