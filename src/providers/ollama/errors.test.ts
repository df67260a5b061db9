import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "../../errors/index.js";
import { resolveOllamaTarget } from "./api.js";
import { mapOllamaError } from "./errors.js";

const target = resolveOllamaTarget("ollama_chat")("llama3.2", { api_base: "http://gpu:11434" }, {});
const map = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  mapOllamaError({ status, body, headers, target });

describe("mapOllamaError", () => {
  it("maps a missing model to NotFoundError whose message says which `ollama pull` to run", () => {
    const error = map(404, { error: 'model "llama3.2" not found, try pulling it first' });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.status).toBe(404);
    expect(error.message).toContain('model "llama3.2" not found');
    expect(error.message).toContain("ollama pull llama3.2");
    expect(error.provider).toBe("ollama_chat");
  });

  it("says a 404 without a model in it is probably a wrong api_base", () => {
    const error = map(404, "404 page not found");
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/is http:\/\/gpu:11434 an Ollama server/);
    expect(error.message).not.toContain("ollama pull");
  });

  it("keeps Ollama's message for a 400, and maps context-window wordings", () => {
    const bad = map(400, { error: "invalid options: foo" });
    expect(bad).toBeInstanceOf(BadRequestError);
    expect(bad.message).toContain("invalid options: foo");
    expect(map(400, { error: "prompt too long; exceeded max context length by 812 tokens" })).toBeInstanceOf(
      ContextWindowExceededError,
    );
    const embed = map(500, { error: "the input length exceeds the context length" });
    expect(embed).toBeInstanceOf(ContextWindowExceededError);
    expect(embed.status).toBe(400);
  });

  it("maps 500 to a retryable InternalServerError, 401 and 429 (with retry-after) by status", () => {
    const crashed = map(500, { error: "llama runner process has terminated: exit status 2" });
    expect(crashed).toBeInstanceOf(InternalServerError);
    expect(crashed.isRetryable).toBe(true);
    expect(map(401, { error: "unauthorized" })).toBeInstanceOf(AuthenticationError);
    const limited = map(429, { error: "too many requests" }, { "retry-after": "3" });
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.retryAfter).toBe(3);
  });

  it("reads a nested {error: {message}} and never repeats the key", () => {
    const keyed = resolveOllamaTarget("ollama")("m", { api_key: "sk-ollama-secret-1" }, {});
    const error = mapOllamaError({
      status: 401,
      body: { error: { message: "key sk-ollama-secret-1 is not valid" } },
      headers: {},
      target: keyed,
    });
    expect(error.message).toContain("is not valid");
    expect(error.message).not.toContain("sk-ollama-secret-1");
    expect(JSON.stringify(error.body)).not.toContain("sk-ollama-secret-1");
  });

  it("names the status when the body says nothing", () => {
    expect(map(502, "").message).toMatch(/HTTP 502/);
  });
});
