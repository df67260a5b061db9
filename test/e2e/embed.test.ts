import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/index.js";
import { createProxy, type ProxyServer } from "../../src/proxy/index.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";

let upstream: FakeUpstream;
let proxy: ProxyServer;
let url: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  proxy = await createProxy(
    {
      model_list: [
        {
          model_name: "m",
          litellm_params: { model: "openai/embedded", api_base: upstream.baseUrl, api_key: "sk-up" },
        },
      ],
      general_settings: { master_key: "sk-embedded" },
    },
    { logLevel: "warn" },
  );
  url = await proxy.listen(0, "127.0.0.1");
});

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

describe("llmgate/proxy in another Node app", () => {
  it("serves a config given as an object, checked and completed like a file", async () => {
    const client = new OpenAI({ apiKey: "sk-embedded", baseURL: `${url}/v1`, maxRetries: 0 });
    const answer = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "in-app" }],
    });
    expect(answer.choices[0]?.message.content).toBe("echo: in-app");
    expect((upstream.requests[0]?.body as { model?: string } | undefined)?.model).toBe("embedded");
  });

  it("refuses a wrong field with its path", async () => {
    const failure = await createProxy({
      model_list: [{ model_name: "m", litellm_params: { model: "openai/x", api_bse: "http://x" } }],
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain("model_list[0].litellm_params.api_bse");
  });
});
