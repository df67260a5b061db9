/**
 * What the proxy tells about routing, through the real CLI: `x-llmgate-*` headers on every model-call
 * answer (success or error, streaming or not), and `/health`, `/model/info`, `/model_group/info`,
 * which need a key and never show a secret.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeUpstream } from "../fakes/upstream.js";
import {
  apiErrorOf,
  attempts,
  chatBody,
  contentsOf,
  llmgateHeaders,
  parseSse,
  REFUSED_BASE,
  type RouterProxy,
  startRouterProxy,
  startUpstreams,
  UPSTREAM_SECRET,
} from "./router-helpers.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AWS_SECRET = "aws-secret-do-not-leak";
const HEADER_SECRET = "Bearer header-secret-do-not-leak";

let gateway: RouterProxy;
let a: FakeUpstream;
let b: FakeUpstream;

beforeAll(async () => {
  const started = await startUpstreams(2);
  if (started[0] === undefined || started[1] === undefined) throw new Error("upstreams did not start");
  [a, b] = [started[0], started[1]];
  gateway = await startRouterProxy({
    deployments: [
      { group: "pair", apiBase: a.baseUrl, id: "pair-a", params: { order: 1 } },
      { group: "pair", apiBase: b.baseUrl, id: "pair-b", params: { order: 2 } },
      { group: "fallible", apiBase: a.baseUrl, id: "fallible-a", params: { order: 1, num_retries: 1 } },
      { group: "fallible", apiBase: b.baseUrl, id: "fallible-b", params: { order: 2, num_retries: 1 } },
      {
        group: "secretive",
        apiBase: a.baseUrl,
        id: "secretive-a",
        params: { aws_secret_access_key: AWS_SECRET, extra_headers: { Authorization: HEADER_SECRET } },
        modelInfo: { max_input_tokens: 8192, mode: "chat" },
      },
      { group: "down", apiBase: REFUSED_BASE, id: "down-only" },
      {
        group: "embedder",
        apiBase: b.baseUrl,
        id: "embedder-b",
        model: "openai/embed",
        modelInfo: { mode: "embedding" },
      },
    ],
    routerSettings: { timeout: 30, num_retries: 2 },
  });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([a, b].map((upstream) => upstream?.close()));
});

beforeEach(() => {
  for (const upstream of [a, b]) {
    upstream.clear();
    upstream.setDefault({ kind: "default" });
  }
});

function expectDurations(headers: Record<string, string>): void {
  const total = Number(headers["x-llmgate-response-duration-ms"]);
  const overhead = Number(headers["x-llmgate-overhead-duration-ms"]);
  expect(total).toBeGreaterThan(0);
  expect(overhead).toBeGreaterThanOrEqual(0);
  expect(overhead).toBeLessThanOrEqual(total);
}

describe("x-llmgate-* response headers", () => {
  it("on a success: group, deployment, retries, fallbacks, max retries, timeout, call id, durations", async () => {
    const response = await gateway.post("/v1/chat/completions", chatBody("pair"));
    expect(response.status).toBe(200);
    const headers = llmgateHeaders(response.headers);
    expect(headers).toMatchObject({
      "x-llmgate-model-group": "pair",
      "x-llmgate-model-id": "pair-a",
      "x-llmgate-attempted-retries": "0",
      "x-llmgate-attempted-fallbacks": "0",
      "x-llmgate-max-retries": "2",
      "x-llmgate-timeout": "30",
    });
    expect(headers["x-llmgate-call-id"]).toMatch(UUID);
    expectDurations(headers);
  });

  it("on a stream, before the first event", async () => {
    a.script({ kind: "error", status: 502 });
    const response = await gateway.post("/v1/chat/completions", { ...chatBody("pair"), stream: true });
    const headers = llmgateHeaders(response.headers);
    expect(headers).toMatchObject({
      "x-llmgate-model-group": "pair",
      "x-llmgate-model-id": "pair-b",
      "x-llmgate-attempted-retries": "1",
    });
    expect(headers["x-llmgate-call-id"]).toMatch(UUID);
    expectDurations(headers);
    expect(contentsOf(parseSse(await response.text())).join("")).toBe("echo: hello");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it("on an error: the group and the last deployment tried, and what was attempted", async () => {
    a.setDefault({ kind: "error", status: 500 });
    b.setDefault({ kind: "error", status: 500 });
    const error = await apiErrorOf(gateway.client.chat.completions.create(chatBody("fallible")));
    expect(error.status).toBe(500);
    const headers = llmgateHeaders(error.headers ?? new Headers());
    expect(headers).toMatchObject({
      "x-llmgate-model-group": "fallible",
      "x-llmgate-model-id": "fallible-b",
      "x-llmgate-attempted-retries": "1",
      "x-llmgate-attempted-fallbacks": "0",
      "x-llmgate-max-retries": "1",
    });
    expect(headers["x-llmgate-call-id"]).toMatch(UUID);
    expectDurations(headers);
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it("on embeddings", async () => {
    const { response } = await gateway.client.embeddings
      .create({ model: "embedder", input: "hi" })
      .withResponse();
    expect(response.headers.get("x-llmgate-model-id")).toBe("embedder-b");
    expect(response.headers.get("x-llmgate-call-id")).toMatch(UUID);
  });

  it("a new call id for every request", async () => {
    const responses = await Promise.all(
      [1, 2, 3].map(() => gateway.post("/v1/chat/completions", chatBody("pair"))),
    );
    const ids = new Set(responses.map((response) => response.headers.get("x-llmgate-call-id")));
    expect(ids.size).toBe(3);
  });

  it("a call id on an unknown model's 400 too", async () => {
    const response = await gateway.post("/v1/chat/completions", chatBody("no-such-model"));
    expect(response.status).toBe(400);
    expect(response.headers.get("x-llmgate-call-id")).toMatch(UUID);
    expect(attempts(a) + attempts(b)).toBe(0);
  });
});

describe("/health", () => {
  it("needs a key", async () => {
    const response = await fetch(`${gateway.url}/health`);
    expect(response.status).toBe(401);
    expect(attempts(a) + attempts(b)).toBe(0);
  });

  it("checks every deployment with a tiny request: healthy and unhealthy endpoints, with the error", async () => {
    b.script({ kind: "error", status: 401 });
    const response = await gateway.get("/health");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(UPSTREAM_SECRET);
    expect(text).not.toContain(AWS_SECRET);
    expect(text).not.toContain(HEADER_SECRET);
    const body = JSON.parse(text) as {
      healthy_endpoints: { model_id: string }[];
      unhealthy_endpoints: { model_id: string; error: string }[];
    };
    const healthy = body.healthy_endpoints.map((endpoint) => endpoint.model_id);
    const unhealthy = body.unhealthy_endpoints.map((endpoint) => endpoint.model_id);
    expect([...healthy, ...unhealthy].sort()).toEqual(
      ["down-only", "embedder-b", "fallible-a", "fallible-b", "pair-a", "pair-b", "secretive-a"].sort(),
    );
    expect(unhealthy).toContain("down-only");
    expect(unhealthy).toHaveLength(2);
    const down = body.unhealthy_endpoints.find((endpoint) => endpoint.model_id === "down-only");
    expect(down?.error).toMatch(/ECONNREFUSED|refused|reach/i);
    // One probe per deployment: max_tokens 1 for chat, an embedding for the embedding model.
    for (const request of a.requests) expect(request.body).toMatchObject({ max_tokens: 1 });
    expect(b.requests.map((request) => request.path).sort()).toEqual([
      "/v1/chat/completions",
      "/v1/chat/completions",
      "/v1/embeddings",
    ]);
    expect(attempts(a)).toBe(3);
  });
});

describe("/model/info and /model_group/info", () => {
  it("/model/info: LiteLLM's shape plus live state, never a secret", async () => {
    expect((await fetch(`${gateway.url}/model/info`)).status).toBe(401);
    await gateway.post("/v1/chat/completions", chatBody("secretive"));
    const response = await gateway.get("/model/info");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(UPSTREAM_SECRET);
    expect(text).not.toContain(AWS_SECRET);
    expect(text).not.toContain(HEADER_SECRET);
    expect(text).not.toContain("api_key");
    const body = JSON.parse(text) as {
      data: {
        model_name: string;
        litellm_params: Record<string, unknown>;
        model_info: Record<string, unknown>;
        state: Record<string, unknown>;
      }[];
    };
    expect(body.data).toHaveLength(7);
    const secretive = body.data.find((entry) => entry.model_info.id === "secretive-a");
    expect(secretive).toMatchObject({
      model_name: "secretive",
      litellm_params: { model: "openai/secretive-upstream", api_base: a.baseUrl },
      model_info: { id: "secretive-a", max_input_tokens: 8192, mode: "chat" },
      state: { cooldown_until: null, in_flight: 0 },
    });
    expect(secretive?.state.latency_ms).toEqual(expect.any(Number));
    for (const entry of body.data) {
      expect(Object.keys(entry.state).sort()).toEqual(["cooldown_until", "in_flight", "latency_ms"]);
    }
    const v1 = await gateway.get("/v1/model/info");
    expect(v1.status).toBe(200);
  });

  it("/model_group/info: one entry per group, never a secret", async () => {
    const response = await gateway.get("/model_group/info");
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(UPSTREAM_SECRET);
    expect(text).not.toContain(AWS_SECRET);
    const body = JSON.parse(text) as { data: { model_group: string; deployment_ids: string[] }[] };
    expect(body.data.map((entry) => entry.model_group)).toEqual([
      "pair",
      "fallible",
      "secretive",
      "down",
      "embedder",
    ]);
    expect(body.data[0]?.deployment_ids).toEqual(["pair-a", "pair-b"]);
  });
});
