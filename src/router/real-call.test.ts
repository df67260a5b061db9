import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatCompletionChunk } from "../openai/types.js";
import { Router } from "./router.js";
import { MemoryRouterState } from "./state/memory-state.js";
import { chatCompletion, silentLogger } from "./testing.js";

/** A fake upstream: `/down/...` answers 503, `/up/...` answers JSON or SSE. Records what it received. */
function startUpstream(): Promise<{ server: Server; base: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (data: Buffer) => {
      body += data.toString("utf8");
    });
    request.on("end", () => {
      seen.push(`${request.url} ${request.headers.authorization ?? ""}`);
      if (request.url?.startsWith("/hang") === true) return;
      if (request.url?.startsWith("/down") === true) {
        response.writeHead(503, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ error: { message: "overloaded", type: "server_error", code: null, param: null } }),
        );
        return;
      }
      const parsed = JSON.parse(body) as { model: string; stream?: boolean };
      if (parsed.stream === true) {
        response.writeHead(200, { "content-type": "text/event-stream" });
        for (const content of ["hel", "lo"]) {
          const chunk: ChatCompletionChunk = {
            id: "c",
            object: "chat.completion.chunk",
            created: 0,
            model: parsed.model,
            choices: [{ index: 0, delta: { content }, finish_reason: null }],
          };
          response.write(`data: ${JSON.stringify(chunk)}\n\n`);
        }
        response.end("data: [DONE]\n\n");
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(chatCompletion(parsed.model, "from upstream")));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, base: `http://127.0.0.1:${port}`, seen });
    }),
  );
}

describe("with the real SDK call", () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(() => new Promise<void>((resolve) => upstream.server.close(() => resolve())));

  function router() {
    return new Router(
      {
        model_list: [
          {
            model_name: "gpt",
            litellm_params: {
              model: "openai/m",
              api_base: `${upstream.base}/down`,
              api_key: "sk-down",
              order: 1,
            },
          },
          {
            model_name: "gpt",
            litellm_params: {
              model: "openai/m",
              api_base: `${upstream.base}/up`,
              api_key: "sk-up",
              order: 2,
            },
          },
        ],
        router_settings: { num_retries: 1 },
      },
      { state: new MemoryRouterState(), logger: silentLogger, env: {} },
    );
  }

  it("fails over from a 503 to the healthy deployment, without SDK retries", async () => {
    upstream.seen.length = 0;
    const outcome = await router().route("chat", {
      model: "gpt",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok || outcome.result.kind !== "response") throw new Error("expected a response");
    expect(outcome.result.data.choices[0]?.message.content).toBe("from upstream");
    expect(upstream.seen).toEqual([
      "/down/chat/completions Bearer sk-down",
      "/up/chat/completions Bearer sk-up",
    ]);
    expect(outcome.meta.attemptedRetries).toBe(1);
  });

  it("bounds each attempt with timeout (enforced by the SDK) and fails over", async () => {
    const hanging = new Router(
      {
        model_list: [
          {
            model_name: "gpt",
            litellm_params: { model: "openai/m", api_base: `${upstream.base}/hang`, api_key: "k", order: 1 },
          },
          {
            model_name: "gpt",
            litellm_params: { model: "openai/m", api_base: `${upstream.base}/up`, api_key: "k", order: 2 },
          },
        ],
        router_settings: { timeout: 0.2 },
      },
      { state: new MemoryRouterState(), logger: silentLogger, env: {} },
    );
    const started = Date.now();
    const outcome = await hanging.route("chat", {
      model: "gpt",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.meta).toMatchObject({ attemptedRetries: 1, timeout: 0.2 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("streams through the router", async () => {
    const stream = await router().completion({
      model: "gpt",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("hello");
  });
});
