// What the bench measures, as data: scenarios (a request kind and a number of connections) and
// targets (what answers). Every target runs every selected scenario, in alternating rounds.
import { BENCH_MODEL, STREAM_MODEL } from "./fixtures.mjs";
import { PORTKEY_VERSION } from "./portkey.mjs";

export const UPSTREAM_KEY = "sk-up";
export const MASTER_KEY = "sk-bench-master";
export const REDIS_URL = "redis://127.0.0.1:6379";

/**
 * @typedef {"chat" | "stream" | "embed"} Kind
 * @typedef {{ id: string, kind: Kind, connections: number }} Scenario
 * @typedef {{ upstreamOrigin: string, origin: string }} Context
 * @typedef {object} Target
 * @property {string} id
 * @property {"direct" | "floor" | "llmgate" | "portkey"} kind  the nginx mock itself, the floor,
 *   llmgate started with `config`, or Portkey's gateway
 * @property {string} about  one line for the report
 * @property {(context: Context) => Record<string, unknown>} [config]  llmgate's config
 * @property {(context: Context) => Promise<Record<string, string>>} [setup]  runs once when the target
 *   is up; its headers are sent with every request (the generated virtual key)
 * @property {number} [workers]  llmgate's --num_workers
 * @property {string} [single]  for a --workers twin: the one-worker target it is compared with
 * @property {boolean} [needsRedis]
 */

export const DEFAULT_SCENARIOS = ["chat:32", "chat:1", "embed:32", "stream:32"];

/** @param {string} text e.g. "chat:32" @returns {Scenario} */
export function parseScenario(text) {
  const [kind, connections] = text.split(":");
  if (kind !== "chat" && kind !== "stream" && kind !== "embed") {
    throw new Error(`unknown scenario ${text} (chat:N, stream:N or embed:N)`);
  }
  const count = Number(connections ?? 32);
  if (!Number.isInteger(count) || count < 1) throw new Error(`bad connection count in ${text}`);
  return { id: `${kind}:${count}`, kind, connections: count };
}

/** The path a target is sent for a kind of request. @param {Target} target @param {Kind} kind */
export function pathFor(target, kind) {
  const path = kind === "embed" ? "/v1/embeddings" : "/v1/chat/completions";
  // nginx does not read bodies: the mock's stream has its own base, which only direct calls name.
  return target.kind === "direct" && kind === "stream" ? `/stream${path}` : path;
}

/** @param {string} upstreamOrigin @param {Kind} kind */
export function upstreamBaseFor(upstreamOrigin, kind) {
  return `${upstreamOrigin}${kind === "stream" ? "/stream" : ""}/v1`;
}

/** @param {Context} context @param {string} modelName @param {string} base @param {number} index */
function deployment(context, modelName, base, index) {
  return {
    model_name: modelName,
    litellm_params: {
      model: `openai/${BENCH_MODEL}`,
      api_base: `${context.upstreamOrigin}${base}`,
      api_key: UPSTREAM_KEY,
      input_cost_per_token: 0.000001,
      output_cost_per_token: 0.000002,
    },
    model_info: { id: `${modelName}-${index}` },
  };
}

/**
 * "Everything on" (issue 13): a router group of two deployments per model, spend logged to the
 * embedded SQLite (the default database beside the config), metrics on, the master key for the
 * admin calls; requests carry a virtual key with rpm/tpm limits and a budget (`setup`).
 * @param {Context} context @param {boolean} isRedis
 */
function fullConfig(context, isRedis) {
  return {
    model_list: [
      deployment(context, BENCH_MODEL, "/v1", 1),
      deployment(context, BENCH_MODEL, "/v1", 2),
      deployment(context, STREAM_MODEL, "/stream/v1", 1),
      deployment(context, STREAM_MODEL, "/stream/v1", 2),
    ],
    litellm_settings: { callbacks: ["prometheus"] },
    router_settings: {
      routing_strategy: "simple-shuffle",
      num_retries: 2,
      ...(isRedis ? { redis_url: REDIS_URL } : {}),
    },
    general_settings: { master_key: MASTER_KEY },
  };
}

/** @param {Context} context @returns {Promise<Record<string, string>>} */
async function generateKey(context) {
  const response = await fetch(`${context.origin}/key/generate`, {
    method: "POST",
    headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      key_alias: "bench",
      models: [BENCH_MODEL, STREAM_MODEL],
      rpm_limit: 100_000_000,
      tpm_limit: 100_000_000_000,
      max_budget: 1_000_000,
    }),
  });
  if (!response.ok) throw new Error(`/key/generate answered ${response.status}: ${await response.text()}`);
  const { key } = /** @type {{ key: string }} */ (await response.json());
  return { authorization: `Bearer ${key}` };
}

/** @type {Target[]} */
export const TARGETS = [
  { id: "direct", kind: "direct", about: "the nginx mock itself (what any proxy's cost is added to)" },
  {
    id: "floor",
    kind: "floor",
    about: "node:http + undici Pool forwarder, `for await` relay (bench/floor.mjs)",
  },
  {
    id: "llmgate",
    kind: "llmgate",
    about: "llmgate, one deployment per model, the master key only",
    config: (context) => ({
      model_list: [
        deployment(context, BENCH_MODEL, "/v1", 1),
        deployment(context, STREAM_MODEL, "/stream/v1", 1),
      ],
      general_settings: { master_key: MASTER_KEY },
    }),
  },
  {
    id: "full",
    kind: "llmgate",
    about:
      "llmgate, everything on: virtual key (rpm/tpm + budget), 2-deployment groups, SQLite spend, metrics",
    config: (context) => fullConfig(context, false),
    setup: generateKey,
  },
  {
    id: "full-redis",
    kind: "llmgate",
    about: `full, with router_settings.redis_url ${REDIS_URL} (shared limits and cooldowns)`,
    config: (context) => fullConfig(context, true),
    setup: generateKey,
    needsRedis: true,
  },
  {
    id: "portkey",
    kind: "portkey",
    about: `Portkey's gateway ${PORTKEY_VERSION} (npm, installed on demand under the temp dir)`,
  },
];

/** The --workers twin of an llmgate target: the same config served by `workers` processes. @param {Target} target @param {number} workers @returns {Target} */
export function workersTwin(target, workers) {
  return {
    ...target,
    id: `${target.id}-w${workers}`,
    workers,
    single: target.id,
    about: `${target.id} with --num_workers ${workers}`,
  };
}
