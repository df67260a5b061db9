declare module "parse-prometheus-text-format" {
  /** Metric families: name, help, type and samples (labels with value, or count/sum/buckets). */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
