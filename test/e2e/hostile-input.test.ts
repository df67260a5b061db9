/**
 * Property-based tests (fast-check) over every route: random and mutated JSON bodies, wrong types
 * in every field, huge and deeply nested values, invalid UTF-8, odd headers. No crash, no hang, no
 * 5xx without an OpenAI-shaped error body, and the next good request is served.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxy, type ProxyServer } from "../../src/proxy/index.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";

const MASTER_KEY = "sk-hostile";
let upstream: FakeUpstream;
let proxy: ProxyServer;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  proxy = await createProxy(
    {
      model_list: [
        { model_name: "m", litellm_params: { model: "openai/m", api_base: upstream.baseUrl, api_key: "k" } },
      ],
      router_settings: { num_retries: 0 },
      general_settings: { master_key: MASTER_KEY, database_url: ":memory:", max_request_size_mb: 1 },
    },
    { logLevel: "silent", env: { ...process.env, REDIS_URL: "" } },
  );
  await proxy.app.ready();
});

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

const POST_ROUTES = [
  "/v1/chat/completions",
  "/chat/completions",
  "/v1/completions",
  "/v1/embeddings",
  "/v1/messages",
  "/v1/messages/count_tokens",
  "/v1/responses",
  "/key/generate",
  "/key/update",
  "/key/delete",
  "/user/new",
  "/team/new",
  "/engines/m/chat/completions",
  "/openai/deployments/m/chat/completions",
];
const GET_ROUTES = [
  "/v1/models",
  "/model/info",
  "/key/info",
  "/spend/logs",
  "/health/readiness",
  "/v1/responses/x",
];

const goodChat = { model: "m", messages: [{ role: "user", content: "hi" }] };

/** A valid chat body with one field replaced by any JSON value, or a field added. */
const mutatedChat = fc
  .tuple(
    fc.constantFrom(
      "model",
      "messages",
      "stream",
      "max_tokens",
      "tools",
      "temperature",
      "n",
      "stream_options",
      "extra",
    ),
    fc.jsonValue(),
  )
  .map(([field, value]) => JSON.stringify({ ...goodChat, [field]: value }));

const body = fc.oneof(
  fc.json(),
  mutatedChat,
  fc.string(),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.nat({ max: 3_000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  fc.nat({ max: 3_000 }).map((depth) => `{"model":"m","messages":${"[".repeat(depth)}`),
  fc.constant(`{"model":"m","messages":[{"role":"user","content":"${"a".repeat(2 * 1024 * 1024)}"}]}`),
);

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const headers = fc.record(
  {
    "content-type": fc.constantFrom(
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "",
      "x/y",
    ),
    // Mostly the right key, so that most bodies reach the routes' own checks.
    authorization: fc.oneof(
      { arbitrary: fc.constant(`Bearer ${MASTER_KEY}`), weight: 8 },
      { arbitrary: headerValue.map((value) => `Bearer ${value}`), weight: 1 },
      { arbitrary: headerValue, weight: 1 },
    ),
    "x-api-key": headerValue,
    "content-encoding": fc.oneof(
      { arbitrary: fc.constant("identity"), weight: 9 },
      { arbitrary: fc.constant("gzip"), weight: 1 },
    ),
  },
  { requiredKeys: ["authorization"] },
);

function isOpenAIShapedError(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown }; type?: unknown };
    return typeof parsed.error?.message === "string";
  } catch {
    return false;
  }
}

describe("hostile input on every route", () => {
  it("never crashes, hangs or answers a 5xx without an error body, and serves the next good request", {
    timeout: 120_000,
  }, async () => {
    const seen: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...POST_ROUTES),
        body,
        headers,
        async (url, payload, requestHeaders) => {
          const response = await proxy.app.inject({ method: "POST", url, payload, headers: requestHeaders });
          seen[response.statusCode] = (seen[response.statusCode] ?? 0) + 1;
          if (response.statusCode >= 500) expect(isOpenAIShapedError(response.body)).toBe(true);
          if (response.statusCode >= 400) expect(response.body).not.toBe("");
        },
      ),
      { numRuns: 600 },
    );
    // The properties reached the routes, not only the key check.
    expect(Object.keys(seen).length).toBeGreaterThanOrEqual(3);
    expect(seen[400] ?? 0).toBeGreaterThan(50);
    console.log("hostile input: statuses", JSON.stringify(seen));
    for (const url of GET_ROUTES) {
      const response = await proxy.app.inject({
        method: "GET",
        url: `${url}?key=%ZZ&x=${"y".repeat(5000)}`,
        headers: { authorization: `Bearer ${MASTER_KEY}` },
      });
      expect(response.statusCode).toBeLessThan(500);
    }
    const good = await proxy.app.inject({
      method: "POST",
      url: "/v1/chat/completions",
      payload: goodChat,
      headers: { authorization: `Bearer ${MASTER_KEY}` },
    });
    expect(good.statusCode).toBe(200);
  });
});
