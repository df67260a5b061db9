/**
 * The fake Google upstream against Google's own SDK (@google/genai): the SDK, pointed at the fake,
 * must parse its answers and its streams, in Gemini API mode and in Vertex AI mode, so that the fake
 * speaks what Google's servers speak. The Vertex client authenticates with a token the fake token
 * endpoint issued to a JWT that google-auth-library itself signed.
 */
import { FunctionCallingConfigMode, GoogleGenAI } from "@google/genai";
import { JWT, OAuth2Client } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGoogleUpstream, startFakeGoogleUpstream } from "./gemini-upstream.js";
import {
  CLOUD_PLATFORM_SCOPE,
  type FakeTokenEndpoint,
  startFakeTokenEndpoint,
} from "./google-token-endpoint.js";

const API_KEY = "AIzaSy-fake-key-for-tests";
let upstream: FakeGoogleUpstream;
let tokens: FakeTokenEndpoint;

beforeAll(async () => {
  tokens = await startFakeTokenEndpoint();
  upstream = await startFakeGoogleUpstream({
    apiKey: API_KEY,
    isTokenValid: (token) => tokens.isTokenValid(token),
  });
});

afterAll(async () => {
  await upstream.close();
  await tokens.close();
});

function geminiClient(apiKey = API_KEY): GoogleGenAI {
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: upstream.baseUrl } });
}

describe("the fake Gemini API, through @google/genai", () => {
  it("answers generateContent with text and usage, the key sent as x-goog-api-key", async () => {
    const response = await geminiClient().models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Hello there",
      config: { systemInstruction: "Be brief.", temperature: 0.1 },
    });
    expect(response.text).toBe("Echo: Hello there");
    expect(response.usageMetadata?.promptTokenCount).toBe(2);
    const request = upstream.requests.at(-1);
    expect(request?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(request?.headers["x-goog-api-key"]).toBe(API_KEY);
  });

  it("calls a declared function", async () => {
    const response = await geminiClient().models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Weather in Paris?",
      config: {
        tools: [
          {
            functionDeclarations: [
              {
                name: "get_weather",
                parameters: { type: "object" as never, properties: { city: { type: "string" as never } } },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } },
      },
    });
    expect(response.functionCalls).toEqual([{ name: "get_weather", args: { city: "city-value" } }]);
  });

  it("streams with streamGenerateContent?alt=sse", async () => {
    const stream = await geminiClient().models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "one two three",
    });
    const pieces: string[] = [];
    let finishReason: string | undefined;
    for await (const chunk of stream) {
      pieces.push(chunk.text ?? "");
      finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
    }
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join("")).toBe("Echo: one two three");
    expect(finishReason).toBe("STOP");
    expect(upstream.requests.at(-1)?.query).toBe("?alt=sse");
  });

  it("embeds with batchEmbedContents", async () => {
    const response = await geminiClient().models.embedContent({
      model: "gemini-embedding-001",
      contents: ["a", "b"],
      config: { outputDimensionality: 4 },
    });
    expect(response.embeddings?.map((embedding) => embedding.values?.length)).toEqual([4, 4]);
    expect(upstream.requests.at(-1)?.action).toBe("batchEmbedContents");
  });

  it("refuses a wrong key as Google does (400 API_KEY_INVALID)", async () => {
    await expect(
      geminiClient("AIzaSy-wrong").models.generateContent({ model: "gemini-2.5-flash", contents: "x" }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining("API key not valid") });
  });

  it("answers a scripted error in Google's shape", async () => {
    upstream.enqueue({
      kind: "error",
      status: 429,
      statusName: "RESOURCE_EXHAUSTED",
      message: "Quota exceeded",
    });
    await expect(
      geminiClient().models.generateContent({ model: "gemini-2.5-flash", contents: "x" }),
    ).rejects.toMatchObject({
      status: 429,
      message: expect.stringContaining("Quota exceeded"),
    });
  });
});

/**
 * google-auth-library's JWT client, which always asks oauth2.googleapis.com: its request is sent to
 * the fake instead, with the fake's URL as the audience.
 */
function googleSignedJwt(email: string, key: string): JWT {
  const jwt = new JWT({
    email,
    key,
    scopes: [CLOUD_PLATFORM_SCOPE],
    additionalClaims: { aud: tokens.tokenUri },
  });
  jwt.transporter.interceptors.request.add({
    resolved: async (options) => ({ ...options, url: new URL(tokens.tokenUri) }),
  });
  return jwt;
}

describe("the fake token endpoint and Vertex AI, through google-auth-library and @google/genai", () => {
  it("issues a token to a JWT that google-auth-library signed, and refuses one signed with another key", async () => {
    const account = tokens.createServiceAccount("sdk-project");
    const jwt = googleSignedJwt(account.client_email, account.private_key);
    const { token } = await jwt.getAccessToken();
    expect(token).toMatch(/^ya29\.fake-/);
    expect(tokens.isTokenValid(String(token))).toBe(true);
    const other = tokens.createServiceAccount("sdk-project");
    const forged = googleSignedJwt(account.client_email, other.private_key);
    await expect(forged.getAccessToken()).rejects.toThrow(/Invalid JWT Signature/);
  });

  it("serves generateContent and its stream at Vertex's paths to @google/genai in vertexai mode", async () => {
    const account = tokens.createServiceAccount("vertex-project");
    const jwt = googleSignedJwt(account.client_email, account.private_key);
    const { token } = await jwt.getAccessToken();
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: token, expiry_date: Date.now() + 3_000_000 });
    const vertex = new GoogleGenAI({
      vertexai: true,
      project: "vertex-project",
      location: "europe-west4",
      googleAuthOptions: { authClient },
      httpOptions: { baseUrl: upstream.baseUrl, apiVersion: "v1" },
    });
    const response = await vertex.models.generateContent({ model: "gemini-2.5-pro", contents: "Bonjour" });
    expect(response.text).toBe("Echo: Bonjour");
    expect(upstream.requests.at(-1)).toMatchObject({
      api: "vertex",
      path: "/v1/projects/vertex-project/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent",
      headers: { authorization: `Bearer ${token}` },
    });
    const stream = await vertex.models.generateContentStream({ model: "gemini-2.5-pro", contents: "a b" });
    let text = "";
    for await (const chunk of stream) text += chunk.text ?? "";
    expect(text).toBe("Echo: a b");
    const stale = new OAuth2Client();
    stale.setCredentials({ access_token: "ya29.not-issued", expiry_date: Date.now() + 3_000_000 });
    const refused = new GoogleGenAI({
      vertexai: true,
      project: "vertex-project",
      location: "europe-west4",
      googleAuthOptions: { authClient: stale },
      httpOptions: { baseUrl: upstream.baseUrl, apiVersion: "v1" },
    });
    await expect(
      refused.models.generateContent({ model: "gemini-2.5-pro", contents: "x" }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
