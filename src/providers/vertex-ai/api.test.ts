import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AuthenticationError, BadRequestError } from "../../errors/index.js";
import { resolveVertexTarget, vertexChatPath, vertexEmbeddingsPath } from "./api.js";
import { readServiceAccount } from "./credentials.js";

const KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
const json = {
  type: "service_account",
  project_id: "from-credentials",
  private_key_id: "abc",
  private_key: KEY,
  client_email: "sa@from-credentials.iam.gserviceaccount.com",
  token_uri: "https://oauth2.googleapis.com/token",
};
const noTokens = async () => "unused";

function resolve(options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  return resolveVertexTarget("gemini-2.5-pro", { vertex_credentials: json, ...options }, env, noTokens);
}

describe("vertex_ai credentials", () => {
  it("reads an object, the JSON text, a file path, or GOOGLE_APPLICATION_CREDENTIALS", () => {
    const path = join(mkdtempSync(join(tmpdir(), "llmgate-vertex-")), "sa.json");
    writeFileSync(path, JSON.stringify(json));
    for (const account of [
      readServiceAccount({ vertex_credentials: json }, {}, "m"),
      readServiceAccount({ vertex_credentials: JSON.stringify(json) }, {}, "m"),
      readServiceAccount({ vertex_credentials: path }, {}, "m"),
      readServiceAccount({}, { GOOGLE_APPLICATION_CREDENTIALS: path }, "m"),
    ]) {
      expect(account).toEqual({
        clientEmail: json.client_email,
        privateKey: KEY,
        privateKeyId: "abc",
        tokenUri: json.token_uri,
        projectId: "from-credentials",
      });
    }
  });

  it("refuses missing, unreadable or broken credentials without quoting them", () => {
    expect(() => readServiceAccount({}, {}, "m")).toThrow(AuthenticationError);
    expect(() => readServiceAccount({ vertex_credentials: "/no/such/file.json" }, {}, "m")).toThrow(/ENOENT/);
    const broken = `{"private_key": "${KEY.replaceAll("\n", "\\n")}",`;
    const error = (() => {
      try {
        readServiceAccount({ vertex_credentials: broken }, {}, "m");
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error?.message).toMatch(/not valid JSON/);
    expect(error?.message).not.toContain("PRIVATE KEY");
    expect(() =>
      readServiceAccount({ vertex_credentials: { ...json, client_email: undefined } }, {}, "m"),
    ).toThrow(/client_email/);
    expect(() => readServiceAccount({ vertex_credentials: { type: "authorized_user" } }, {}, "m")).toThrow(
      /service_account/,
    );
  });
});

describe("resolveVertexTarget", () => {
  it("builds the regional host with the credentials' project and the default location", () => {
    const target = resolve({});
    expect(target.apiBase).toBe(
      "https://us-central1-aiplatform.googleapis.com/v1/projects/from-credentials/locations/us-central1",
    );
    expect(target.apiKey).toBeUndefined();
    expect(target.authorize).toBeTypeOf("function");
  });

  it("takes vertex_project / vertex_location, then VERTEXAI_PROJECT / VERTEXAI_LOCATION", () => {
    expect(resolve({}, { VERTEXAI_PROJECT: "env-project", VERTEXAI_LOCATION: "europe-west4" }).apiBase).toBe(
      "https://europe-west4-aiplatform.googleapis.com/v1/projects/env-project/locations/europe-west4",
    );
    expect(
      resolve({ vertex_project: "p", vertex_location: "asia-northeast1" }, { VERTEXAI_PROJECT: "env" })
        .apiBase,
    ).toBe("https://asia-northeast1-aiplatform.googleapis.com/v1/projects/p/locations/asia-northeast1");
  });

  it("uses aiplatform.googleapis.com for the global location, and the api_base when given", () => {
    expect(resolve({ vertex_location: "global" }).apiBase).toBe(
      "https://aiplatform.googleapis.com/v1/projects/from-credentials/locations/global",
    );
    expect(resolve({ api_base: "http://127.0.0.1:9/" }).apiBase).toBe(
      "http://127.0.0.1:9/v1/projects/from-credentials/locations/us-central1",
    );
  });

  it("refuses a call without a project, and a location that is no location", () => {
    const { project_id: _project, ...withoutProject } = json;
    expect(() => resolveVertexTarget("m", { vertex_credentials: withoutProject }, {}, noTokens)).toThrow(
      BadRequestError,
    );
    expect(() => resolve({ vertex_location: "evil.example.com/" })).toThrow(BadRequestError);
  });

  it("adds the access token as a bearer token", async () => {
    const target = resolveVertexTarget("m", { vertex_credentials: json }, {}, async () => "ya29.token");
    const request = {
      method: "POST" as const,
      url: new URL("http://x"),
      headers: {} as Record<string, string>,
      body: "",
    };
    await target.authorize?.(request);
    expect(request.headers.authorization).toBe("Bearer ya29.token");
  });

  it("puts Gemini models under publishers/google and Claude under publishers/anthropic", () => {
    const gemini = resolve({});
    expect(vertexChatPath({ target: gemini, isStream: false })).toBe(
      "/publishers/google/models/gemini-2.5-pro:generateContent",
    );
    expect(vertexChatPath({ target: gemini, isStream: true })).toBe(
      "/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
    );
    expect(vertexEmbeddingsPath({ target: gemini })).toBe("/publishers/google/models/gemini-2.5-pro:predict");
    const claude = { ...gemini, model: "claude-sonnet-4-5@20250929" };
    expect(vertexChatPath({ target: claude, isStream: false })).toBe(
      "/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict",
    );
    expect(vertexChatPath({ target: claude, isStream: true })).toBe(
      "/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict",
    );
  });
});
