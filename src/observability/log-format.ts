/**
 * The proxy's one log format: readable lines by default, one JSON object per line with
 * `litellm_settings.json_logs: true`. pino (through fastify) writes JSON; the readable format is
 * that JSON rewritten as `llmgate: <level>: <message> key=value ...` on the same stream. The CLI's
 * own lines (listening, signals, config warnings) go through the same writer, so the two never mix.
 */

export type LogFormat = "text" | "json";

export interface LogLine {
  write(line: string): void;
}

const PINO_LEVELS: Readonly<Record<number, string>> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};

/** pino's fields that the readable line shows in its own way, or not at all. */
const HIDDEN_FIELDS: ReadonlySet<string> = new Set(["level", "time", "pid", "hostname", "msg", "call_id"]);

function fieldText(value: unknown): string {
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (typeof value === "object" && value !== null) {
    const error = value as { message?: unknown; type?: unknown };
    if (typeof error.message === "string") return JSON.stringify(error.message);
    return JSON.stringify(value);
  }
  return String(value);
}

/** One pino JSON line as a readable line (a line that is not JSON is kept as it is). */
export function readableLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith("\n") ? json : `${json}\n`;
  }
  const level = typeof record.level === "number" ? (PINO_LEVELS[record.level] ?? "info") : "info";
  const time =
    typeof record.time === "number" ? new Date(record.time).toISOString() : new Date().toISOString();
  let line = `${time} llmgate: ${level}: ${String(record.msg ?? "")}`;
  if (typeof record.call_id === "string") line += ` call_id=${record.call_id}`;
  for (const [key, value] of Object.entries(record)) {
    if (HIDDEN_FIELDS.has(key) || value === undefined) continue;
    line += ` ${key}=${fieldText(value)}`;
  }
  return `${line}\n`;
}

/** The stream pino writes to: stderr, as JSON lines or rewritten as readable lines. */
export function logDestination(format: LogFormat, target: NodeJS.WritableStream = process.stderr): LogLine {
  if (format === "json") return { write: (line) => void target.write(line) };
  return {
    write: (chunk) => {
      // pino writes one record per call, newline-terminated.
      for (const line of chunk.split("\n")) if (line !== "") target.write(readableLine(line));
    },
  };
}

/** A line of the CLI itself (before or beside the server's logger), in the chosen format. */
export function cliLogLine(format: LogFormat, level: "info" | "warn" | "error", message: string): string {
  const now = new Date();
  if (format === "json") {
    const code = { info: 30, warn: 40, error: 50 }[level];
    return `${JSON.stringify({ level: code, time: now.getTime(), pid: process.pid, msg: message })}\n`;
  }
  return `${now.toISOString()} llmgate: ${level}: ${message}\n`;
}
