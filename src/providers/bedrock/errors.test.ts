import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { LlmgateError } from "../../errors/index.js";
import type { UpstreamTarget } from "../types.js";
import { mapBedrockError } from "./errors.js";

interface ErrorCase {
  name: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  expected: { class: string; status: number };
}

const cases = JSON.parse(
  readFileSync(new URL("./__fixtures__/bedrock-errors.json", import.meta.url), "utf8"),
) as ErrorCase[];

const target: UpstreamTarget = {
  providerId: "bedrock",
  model: "anthropic.claude-3-haiku-20240307-v1:0",
  apiBase: "https://bedrock-runtime.us-east-1.amazonaws.com",
  apiKey: undefined,
  organization: undefined,
};

function map(errorCase: Pick<ErrorCase, "status" | "headers" | "body">, on = target): LlmgateError {
  return mapBedrockError({ ...errorCase, target: on }, Date.parse("2026-12-03T12:00:00Z"));
}

describe("mapBedrockError", () => {
  it.each(cases)("maps $name to $expected.class ($expected.status)", (errorCase) => {
    const error = map(errorCase);
    expect(error.name).toBe(errorCase.expected.class);
    expect(error.status).toBe(errorCase.expected.status);
    expect(error.provider).toBe("bedrock");
    expect(error.model).toBe(target.model);
    const message =
      typeof errorCase.body === "string"
        ? "Forbidden"
        : JSON.stringify(errorCase.body).match(/"message":"([^"]+)"/)?.[1];
    expect(error.message).toContain(message ?? "");
  });

  it("names the AWS error type without its URL part, and keeps the body", () => {
    const error = map(cases[0] as ErrorCase);
    expect(error.message).toBe(
      "bedrock error (429 ThrottlingException) from anthropic.claude-3-haiku-20240307-v1:0: Too many requests, please wait before trying again.",
    );
    expect(error.body).toEqual({ message: "Too many requests, please wait before trying again." });
  });

  it("keeps retry-after, and makes throttling, timeouts and 5xx retryable but not validation or auth", () => {
    const byName = (name: string) => map(cases.find((errorCase) => errorCase.name === name) as ErrorCase);
    expect(byName("throttling").retryAfter).toBe(2);
    expect(byName("throttling").isRetryable).toBe(true);
    expect(byName("model timeout").isRetryable).toBe(true);
    expect(byName("stream model error frame").isRetryable).toBe(true);
    expect(byName("input too long").isRetryable).toBe(false);
    expect(byName("invalid signature").isRetryable).toBe(false);
    expect(byName("input too long").code).toBe("context_length_exceeded");
  });

  it("never repeats the bearer token an answer echoes", () => {
    const token = "ABSKQmVkcm9ja0FQSUtleS1zZWNyZXQ=";
    const error = map(
      {
        status: 403,
        headers: { "x-amzn-errortype": "UnrecognizedClientException" },
        body: { message: `Bad key ${token}` },
      },
      { ...target, apiKey: token },
    );
    expect(error.message).not.toContain(token);
    expect(JSON.stringify(error.body)).not.toContain(token);
    expect(error.message).toContain("[redacted]");
  });
});
