import type { FastifyRequest } from "fastify";
import { CallTrace, traceContextOf } from "../observability/index.js";
import type { ProxyMetrics } from "./metrics.js";

export interface CallObservation {
  /** The router's observer for this request; its attempts become metrics and trace spans. */
  trace: CallTrace;
  /** Once the response is over (streamed or not). */
  end(): void;
}

/** At the start of a model call: its trace (continuing an incoming `traceparent`) and the in-flight gauge. */
export function startCallObservation(
  request: FastifyRequest,
  metrics: ProxyMetrics,
  route: string,
): CallObservation {
  const trace = new CallTrace(traceContextOf(request.headers.traceparent));
  const inFlight = metrics.inFlightOf(route);
  inFlight.inc();
  let isEnded = false;
  return {
    trace,
    end: () => {
      if (isEnded) return;
      isEnded = true;
      inFlight.dec();
    },
  };
}
