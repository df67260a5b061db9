/**
 * Helpers for the observability end-to-end tests: a proxy config with callbacks, and `/metrics`
 * read through a real Prometheus text parser (parse-prometheus-text-format).
 */
import { createServer, type Socket } from "node:net";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { pickFreePort } from "../fakes/proxy-process.js";
import { MASTER_KEY, modelList } from "./keys-helpers.js";

export interface PromSample {
  labels?: Record<string, string>;
  value?: string;
  count?: string;
  sum?: string;
  buckets?: Record<string, string>;
}

export interface PromFamily {
  name: string;
  help: string;
  type: string;
  metrics: PromSample[];
}

/** One sample line of the text format: `name{label="value",...} number`. */
export interface SampleLine {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/**
 * Every line strictly as the exposition format says (HELP, TYPE or a sample with escaped label
 * values); throws on any other line. parse-prometheus-text-format merges the label sets of a
 * histogram's samples, so histograms are read from these lines (`_count`, `_sum`).
 */
export function sampleLines(text: string): SampleLine[] {
  const lines: SampleLine[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match = SAMPLE_LINE.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = match[2] ?? "";
    LABEL_PAIR.lastIndex = 0;
    while (LABEL_PAIR.lastIndex < body.length) {
      const pair = LABEL_PAIR.exec(body);
      if (pair === null) throw new Error(`bad labels in: ${line}`);
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, (_all, char: string) =>
        char === "n" ? "\n" : char,
      );
    }
    const value = Number(match[3]);
    // Go's ParseFloat, which Prometheus uses, takes NaN in any case (prom-client writes "Nan").
    if (Number.isNaN(value) && !/^nan$/i.test(match[3] as string)) throw new Error(`bad value in: ${line}`);
    lines.push({ name: match[1] as string, labels, value });
  }
  return lines;
}

export interface ParsedMetrics extends Map<string, PromFamily> {
  lines?: SampleLine[];
}

export function parseMetrics(text: string): ParsedMetrics {
  const families = parsePrometheusTextFormat(text) as PromFamily[];
  const parsed: ParsedMetrics = new Map(families.map((family) => [family.name, family]));
  parsed.lines = sampleLines(text);
  return parsed;
}

/** The samples of a family whose labels include `labels`. */
export function samples(
  families: Map<string, PromFamily>,
  name: string,
  labels: Record<string, string> = {},
): PromSample[] {
  const family = families.get(name);
  if (family === undefined) return [];
  return family.metrics.filter((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
  );
}

function matches(line: SampleLine, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => line.labels[key] === value);
}

/** The sum of the samples' values (counters, gauges) or observation counts (histograms). */
export function total(families: ParsedMetrics, name: string, labels: Record<string, string> = {}): number {
  if (families.get(name)?.type === "HISTOGRAM") return histogramSum(families, name, labels, "_count");
  return samples(families, name, labels).reduce((sum, sample) => sum + Number(sample.value ?? 0), 0);
}

/** A histogram's `_count` or `_sum` over the label sets that include `labels`. */
export function histogramSum(
  families: ParsedMetrics,
  name: string,
  labels: Record<string, string>,
  suffix: "_count" | "_sum",
): number {
  return (families.lines ?? [])
    .filter((line) => line.name === `${name}${suffix}` && matches(line, labels))
    .reduce((sum, line) => sum + line.value, 0);
}

export async function scrape(url: string, key: string | null = MASTER_KEY): Promise<ParsedMetrics> {
  const response = await fetch(`${url}/metrics`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return parseMetrics(await response.text());
}

export interface ObservedConfigOptions {
  upstreamBaseUrl: string;
  litellm?: Record<string, unknown>;
  general?: Record<string, unknown>;
  /** Merged into router_settings (num_retries 0 unless given). */
  router?: Record<string, unknown>;
}

export function observedConfig(options: ObservedConfigOptions): string {
  return JSON.stringify({
    model_list: [
      ...modelList(options.upstreamBaseUrl),
      {
        model_name: "flaky",
        litellm_params: {
          model: "openai/flaky-a",
          api_base: options.upstreamBaseUrl,
          api_key: "sk-upstream",
        },
        model_info: { id: "flaky-a" },
      },
      {
        model_name: "flaky",
        litellm_params: {
          model: "openai/flaky-b",
          api_base: options.upstreamBaseUrl,
          api_key: "sk-upstream",
        },
        model_info: { id: "flaky-b" },
      },
    ],
    router_settings: { num_retries: 0, ...options.router },
    litellm_settings: options.litellm ?? {},
    general_settings: { master_key: MASTER_KEY, ...options.general },
  });
}

/** Environment for the three HTTP callbacks, all pointing at `base`. */
export function callbackEnv(base: string): Record<string, string> {
  return {
    LANGFUSE_HOST: `${base}/langfuse`,
    LANGFUSE_PUBLIC_KEY: "pk-lf-e2e",
    LANGFUSE_SECRET_KEY: "sk-lf-e2e-secret",
    OTEL_EXPORTER_OTLP_ENDPOINT: `${base}/otel`,
    OTEL_EXPORTER_OTLP_HEADERS: "x-otel-token=otel-e2e-token",
    GENERIC_LOGGER_ENDPOINT: `${base}/generic`,
    GENERIC_LOGGER_HEADERS: "x-webhook-token=webhook-e2e-token",
  };
}

export interface DeadCollectors {
  /** A loopback port nothing listens on: connections are refused. */
  refusedUrl: string;
  /** A loopback port that accepts connections and never reads or answers. */
  hangingUrl: string;
  close(): Promise<void>;
}

/** Two collectors that never take an event: one refuses connections, one accepts and never answers. */
export async function deadCollectors(): Promise<DeadCollectors> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    refusedUrl: `http://127.0.0.1:${await pickFreePort()}/refused`,
    hangingUrl: `http://127.0.0.1:${port}/hanging`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
