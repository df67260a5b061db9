/**
 * 1,000 clients that hang up mid-request and mid-stream: every upstream request they started is
 * aborted, and the proxy holds no more sockets or timers afterwards than before (its own
 * `nodejs_active_handles_total`, from /metrics).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";

const MASTER_KEY = "sk-storm";
let upstream: FakeUpstream;
let proxy: ProxyProcess;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const config = JSON.stringify({
    model_list: [
      { model_name: "m", litellm_params: { model: "openai/m", api_base: upstream.baseUrl, api_key: "k" } },
    ],
    general_settings: { master_key: MASTER_KEY, database_url: ":memory:" },
  });
  proxy = await startProxy({ config, env: { REDIS_URL: "" } });
}, 30_000);

afterAll(async () => {
  await proxy?.stop();
  await upstream?.close();
});

async function activeHandles(): Promise<number> {
  const text = await (await fetch(`${proxy.url}/metrics`)).text();
  return Number(/^nodejs_active_handles_total (\d+)/m.exec(text)?.[1]);
}

/** A chat request that the client abandons: when `hangUp` fires, or once the first bytes came. */
async function abandon(isStream: boolean, hangUp: Promise<void>): Promise<void> {
  const controller = new AbortController();
  hangUp.then(() => controller.abort());
  try {
    const response = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], stream: isStream }),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
  } catch {
    // The abort itself.
  }
}

describe("a storm of clients that hang up", () => {
  it("leaves no upstream request, socket or timer behind", { timeout: 120_000 }, async () => {
    const chunk = {
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }],
    };
    await sleep(500);
    const before = await activeHandles();
    const total = 1_000;
    for (let batch = 0; batch < total / 100; batch++) {
      const isStream = batch % 2 === 1;
      upstream.setDefault(
        isStream
          ? { kind: "stream", chunks: Array.from({ length: 100 }, () => chunk), delayMs: 200 }
          : { kind: "hang" },
      );
      // Mid-request: they hang up once the upstream has all of them (it never answers).
      const seen = upstream.requests.length;
      const hangUp = isStream ? new Promise<void>(() => {}) : upstream.waitForRequests(seen + 100, 20_000);
      await Promise.all(Array.from({ length: 100 }, () => abandon(isStream, hangUp)));
    }
    await upstream.waitForAborted(total, 20_000);
    expect(upstream.requests).toHaveLength(total);
    // The proxy let go of every connection and timer (a few handles of its own may come and go).
    let after = await activeHandles();
    for (let tries = 0; tries < 20 && after > before + 3; tries++) {
      await sleep(250);
      after = await activeHandles();
    }
    expect(after).toBeLessThanOrEqual(before + 3);
    // And it still serves.
    upstream.setDefault({ kind: "default" });
    const ok = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(ok.status).toBe(200);
  });
});
