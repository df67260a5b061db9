import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { createErrorHandler } from "./errors.js";
import { describeJsonError, registerJsonBodyParser } from "./json-body.js";

function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return describeJsonError(error as Error, text).message;
  }
  throw new Error("the text parsed");
}

describe("describeJsonError", () => {
  it("names the line and column of a trailing comma, as in the LiteLLM docs' curl example", () => {
    const text = '{\n  "model": "gpt-4o",\n  "messages": [{"role": "user", "content": "hi"}],\n}';
    expect(parseError(text)).toBe(
      'the request body is not valid JSON: unexpected "}" at line 4, column 1 (a trailing comma before it?)',
    );
  });

  it("says where a body ends too early", () => {
    expect(parseError('{"model": "m"')).toMatch(/at line 1, column 14$/);
  });

  it("counts columns on the line where the error is", () => {
    expect(parseError('{"a": 1,\n "b": nope}')).toBe(
      'the request body is not valid JSON: unexpected "o" at line 2, column 8',
    );
  });
});

describe("registerJsonBodyParser", () => {
  async function post(body: string, contentType: string) {
    const app = Fastify();
    registerJsonBodyParser(app);
    app.setErrorHandler(createErrorHandler(1024 * 1024));
    app.post("/echo", async (request) => ({ got: request.body }));
    const response = await app.inject({
      method: "POST",
      url: "/echo",
      payload: body,
      headers: { "content-type": contentType },
    });
    await app.close();
    return { status: response.statusCode, body: response.json() as Record<string, unknown> };
  }

  it("answers 400 invalid_json with the place, for JSON and for any other content type", async () => {
    for (const contentType of ["application/json", "application/x-www-form-urlencoded", "text/plain"]) {
      const answer = await post('{"model": "m",}', contentType);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        error: {
          code: "invalid_json",
          type: "invalid_request_error",
          message: expect.stringContaining("line 1, column 15"),
        },
      });
    }
  });

  it("parses good JSON whatever the content type, and still refuses prototype poisoning", async () => {
    expect(await post('{"a": [1, 2]}', "text/plain")).toEqual({ status: 200, body: { got: { a: [1, 2] } } });
    expect((await post('{"__proto__": {"x": 1}}', "application/json")).status).toBe(400);
  });
});
