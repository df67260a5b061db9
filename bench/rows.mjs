// What the bench measures, as data: scenarios (a request) and targets (what answers it). Every target
// runs each scenario it lists, at each concurrency. To bench something new, add one target row:
// e.g. a router config with three deployments, compared with the one-deployment llmgate row.

export const upstreamApiKey = "sk-up";
export const masterKey = "sk-bench";
export const benchModel = "bench-model";

/**
 * @typedef {object} Scenario
 * @property {string} path
 * @property {string} method
 * @property {Record<string, unknown> | undefined} body
 * @property {(status: number, text: string) => string | undefined} check  a problem with one answer, or undefined
 */

const chatMessages = [
  { role: "system", content: "You are a helpful assistant." },
  { role: "user", content: "Say something short about load testing, please." },
];

/** @param {string} text */
function parsesAsJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** @type {Record<string, Scenario>} */
export const scenarios = {
  chat: {
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: benchModel, messages: chatMessages, max_tokens: 64 },
    check: (status, text) =>
      status === 200 && parsesAsJson(text) && text.includes('"chat.completion"')
        ? undefined
        : "not a chat completion",
  },
  "chat-stream": {
    method: "POST",
    path: "/v1/chat/completions",
    body: { model: benchModel, messages: chatMessages, max_tokens: 64, stream: true },
    check: (status, text) =>
      status === 200 && text.includes("chat.completion.chunk") && text.trimEnd().endsWith("data: [DONE]")
        ? undefined
        : "not an SSE stream of chunks ending with [DONE]",
  },
  embeddings: {
    method: "POST",
    path: "/v1/embeddings",
    body: { model: benchModel, input: "The quick brown fox jumps over the lazy dog." },
    check: (status, text) =>
      status === 200 && parsesAsJson(text) && text.includes('"embedding"')
        ? undefined
        : "not an embeddings list",
  },
};

/**
 * @typedef {object} BenchContext
 * @property {string} upstreamBaseUrl  e.g. http://127.0.0.1:PORT/v1
 * @property {string} url              the started target's origin
 *
 * @typedef {object} Target
 * @property {string} id
 * @property {"upstream" | "floor" | "llmgate"} kind  what process answers: the upstream itself, the
 *   bare forwarder, or llmgate started with `config`
 * @property {(context: BenchContext) => Record<string, unknown>} [config]  llmgate's config (llmgate only)
 * @property {Record<string, string>} headers  sent with every request (authorization, ...)
 * @property {(context: BenchContext) => Promise<Record<string, string>>} [setup]  runs once after the
 *   target is ready; its headers are added (e.g. create a virtual key with the master key, return
 *   `{ authorization: "Bearer <virtual key>" }`)
 * @property {string[]} scenarios
 * @property {string} [baseline]  a target id this one is compared with (throughput and CPU ratios,
 *   added p50 at concurrency 1)
 * @property {boolean} [isOptIn]  runs only when named in BENCH_TARGETS
 */

/** @param {BenchContext} context @param {number} index */
function deployment(context, index) {
  return {
    model_name: benchModel,
    litellm_params: {
      model: `openai/${benchModel}`,
      api_base: context.upstreamBaseUrl,
      api_key: upstreamApiKey,
    },
    model_info: { id: `bench-deployment-${index}` },
  };
}

const allScenarios = Object.keys(scenarios);

/** @type {Target[]} */
export const targets = [
  {
    id: "direct",
    kind: "upstream",
    headers: { authorization: `Bearer ${upstreamApiKey}` },
    scenarios: allScenarios,
  },
  {
    id: "floor",
    kind: "floor",
    headers: { authorization: `Bearer ${upstreamApiKey}` },
    scenarios: allScenarios,
  },
  {
    id: "llmgate",
    kind: "llmgate",
    config: (context) => ({
      model_list: [deployment(context, 1)],
      general_settings: { master_key: masterKey },
    }),
    headers: { authorization: `Bearer ${masterKey}` },
    scenarios: allScenarios,
    baseline: "floor",
  },
  {
    // The providers issue: the same call translated to Anthropic's Messages API and back.
    id: "llmgate-anthropic",
    kind: "llmgate",
    config: (context) => ({
      model_list: [
        {
          model_name: benchModel,
          litellm_params: {
            model: `anthropic/${benchModel}`,
            api_base: context.upstreamBaseUrl.replace(/\/v1$/, ""),
            api_key: upstreamApiKey,
          },
        },
      ],
      general_settings: { master_key: masterKey },
    }),
    headers: { authorization: `Bearer ${masterKey}` },
    scenarios: ["chat", "chat-stream"],
    baseline: "llmgate",
  },
  {
    // The router issue: a group of three deployments against a group of one.
    id: "llmgate-3-deployments",
    kind: "llmgate",
    config: (context) => ({
      model_list: [1, 2, 3].map((index) => deployment(context, index)),
      general_settings: { master_key: masterKey },
    }),
    headers: { authorization: `Bearer ${masterKey}` },
    scenarios: ["chat", "chat-stream"],
    baseline: "llmgate",
  },
  {
    // The keys issue: a virtual key with a limit and spend tracking, against the master key alone.
    id: "llmgate-virtual-key",
    kind: "llmgate",
    config: (context) => ({
      model_list: [deployment(context, 1)],
      general_settings: { master_key: masterKey, database_url: ":memory:" },
    }),
    headers: {},
    setup: async (context) => {
      const response = await fetch(`${context.url}/key/generate`, {
        method: "POST",
        headers: { authorization: `Bearer ${masterKey}`, "content-type": "application/json" },
        body: JSON.stringify({ models: [benchModel], max_budget: 1_000_000, rpm_limit: 100_000_000 }),
      });
      if (!response.ok)
        throw new Error(`/key/generate answered ${response.status}: ${await response.text()}`);
      const { key } = /** @type {{ key: string }} */ (await response.json());
      return { authorization: `Bearer ${key}` };
    },
    scenarios: ["chat", "chat-stream"],
    baseline: "llmgate",
  },
  {
    // The cache issue: every request after the first is a hit (the same body each time), served
    // without the router or the upstream, against the floor's plain forward.
    id: "llmgate-cache-hit",
    kind: "llmgate",
    config: (context) => ({
      model_list: [deployment(context, 1)],
      litellm_settings: { cache: true, cache_params: { type: "local", ttl: 3600 } },
      general_settings: { master_key: masterKey },
    }),
    headers: { authorization: `Bearer ${masterKey}` },
    scenarios: allScenarios,
    baseline: "floor",
  },
];
