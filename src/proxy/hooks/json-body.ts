import type { FastifyInstance, FastifyRequest } from "fastify";
import { BadRequestError } from "../../errors/index.js";
import { jsonErrorOffset } from "./json-error-offset.js";

type Done = (error: Error | null, value?: unknown) => void;

/** `line 3, column 1` of a 0-based offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf("\n");
    index !== -1 && index < offset;
    index = text.indexOf("\n", index + 1)
  ) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** A hint for the commonest slip: `[1, 2,]` or `{"a": 1,}` (the LiteLLM docs' own curl example has one). */
function hintAt(text: string, offset: number): string {
  const found = text[offset];
  if (found !== "}" && found !== "]") return "";
  let before = offset - 1;
  while (before >= 0 && /\s/.test(text[before] ?? "")) before--;
  return text[before] === "," ? " (a trailing comma before it?)" : "";
}

/** The 400 for a body that is not JSON, saying where it breaks (line and column, from the offset). */
export function describeJsonError(error: Error, text: string): BadRequestError {
  const offset = jsonErrorOffset(text);
  let detail = `: ${error.message}`;
  if (offset === text.length) detail = `: the body ends too early, at line ${place(text, offset)}`;
  else if (offset !== undefined)
    detail = `: unexpected ${JSON.stringify(text.slice(offset, offset + 1))} at line ${place(text, offset)}${hintAt(text, offset)}`;
  return new BadRequestError({
    message: `the request body is not valid JSON${detail}`,
    code: "invalid_json",
  });
}

function place(text: string, offset: number): string {
  const { line, column } = lineAndColumn(text, offset);
  return `${line}, column ${column}`;
}

/** A body fastify's parser refused as JSON (its own error class for application/json, else V8's). */
function isSyntaxFailure(error: Error): boolean {
  return (
    error instanceof SyntaxError || (error as { code?: unknown }).code === "FST_ERR_CTP_INVALID_JSON_BODY"
  );
}

/**
 * JSON bodies, whatever content type the client gave (curl -d sends form encoding, some clients
 * text/plain), parsed by fastify's own parser (prototype poisoning refused); a body that is not
 * JSON is a 400 naming the line and column where it breaks.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  const parse = (request: FastifyRequest, body: string | Buffer, done: Done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    parseJson(request, text, (error: Error | null, value?: unknown) => {
      if (error === null || text === "") done(error, value);
      else done(isSyntaxFailure(error) ? describeJsonError(error, text) : error, value);
    });
  };
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("application/json", { parseAs: "string" }, parse);
  app.addContentTypeParser("*", { parseAs: "string" }, parse);
}
