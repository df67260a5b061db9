/**
 * The admin UI's session across `--num_workers`: the cookie is signed with a key derived from the
 * master key, so whichever worker answers accepts it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { type Gate, gateConfig, gateOf, MASTER_KEY } from "./keys-helpers.js";

let upstream: FakeUpstream;
let gate: Gate;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gate = gateOf(
    await startProxy({
      config: gateConfig({ upstreamBaseUrl: upstream.baseUrl }),
      args: ["--num_workers", "2"],
    }),
  );
}, 60_000);

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
});

describe("the admin UI's session with two workers", () => {
  it("is accepted by every worker, on new connections each time", async () => {
    const login = await fetch(`${gate.url}/ui/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ master_key: MASTER_KEY }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^llmgate_session=v1\./);
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${gate.url}/key/list`, { headers: { cookie, connection: "close" } }).then(
          (answer) => answer.status,
        ),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(gate.proxy.stderr() + gate.proxy.stdout()).toContain("/ui");
    expect(gate.proxy.stderr() + gate.proxy.stdout()).not.toContain(cookie.slice("llmgate_session=".length));
  });
});
