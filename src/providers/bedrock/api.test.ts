import { describe, expect, it } from "vitest";
import { verifySigV4 } from "../../../test/fakes/bedrock-upstream-sigv4.js";
import { AuthenticationError } from "../../errors/index.js";
import type { SignableRequest, TargetOptions } from "../types.js";
import { bedrockHeaders, conversePath, invokePath, resolveBedrockTarget } from "./api.js";

const KEYS = {
  accessKeyId: "AKIAEXAMPLEKEY000001",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const PROFILE = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
const ARN = `arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.${PROFILE.slice(3)}`;
const keyOptions: TargetOptions = {
  aws_access_key_id: KEYS.accessKeyId,
  aws_secret_access_key: KEYS.secretAccessKey,
};

async function signed(model: string, options: TargetOptions, env: NodeJS.ProcessEnv = {}, isStream = false) {
  const target = resolveBedrockTarget(model, options, env);
  const request: SignableRequest = {
    method: "POST",
    url: new URL(target.apiBase + conversePath({ target, isStream })),
    headers: bedrockHeaders(target),
    body: '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}',
  };
  await target.authorize?.(request);
  return { target, request };
}

function verify(request: SignableRequest, region: string, sessionToken?: string) {
  return verifySigV4(
    {
      method: request.method,
      rawUrl: request.url.pathname + request.url.search,
      headers: request.headers,
      body: Buffer.from(request.body),
    },
    { ...KEYS, ...(sessionToken === undefined ? {} : { sessionToken }) },
    region,
    "bedrock",
  );
}

describe("resolveBedrockTarget and SigV4", () => {
  it("defaults to the regional runtime endpoint and encodes ':' in the model id's path segment", async () => {
    const { target, request } = await signed(PROFILE, { ...keyOptions, aws_region_name: "us-east-1" });
    expect(target.apiBase).toBe("https://bedrock-runtime.us-east-1.amazonaws.com");
    expect(request.url.pathname).toBe("/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse");
    expect(conversePath({ target, isStream: true })).toBe(
      "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse-stream",
    );
    expect(invokePath({ target, isStream: false })).toBe(
      "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke",
    );
    expect(invokePath({ target, isStream: true })).toBe(
      "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke-with-response-stream",
    );
  });

  it("signs method, encoded path, headers and body so that an independent SigV4 check accepts it", async () => {
    const { request } = await signed(PROFILE, { ...keyOptions, aws_region_name: "us-east-1" });
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEKEY000001\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers.host).toBe("bedrock-runtime.us-east-1.amazonaws.com");
    expect(request.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(verify(request, "us-east-1")).toMatchObject({ ok: true });
    const tampered = { ...request, body: request.body.replace("hi", "ho") };
    expect(verify(tampered, "us-east-1")).toMatchObject({ ok: false });
  });

  it("signs an ARN (':' and '/' encoded) in the ARN's own region, and carries a session token", async () => {
    const { target, request } = await signed(`converse/${ARN}`, {
      ...keyOptions,
      aws_session_token: "session-token-1234",
    });
    expect(target.model).toBe(ARN);
    expect(target.apiBase).toBe("https://bedrock-runtime.eu-central-1.amazonaws.com");
    expect(request.url.pathname).toBe(
      "/model/arn%3Aaws%3Abedrock%3Aeu-central-1%3A123456789012%3Ainference-profile%2Feu.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse",
    );
    expect(request.headers["x-amz-security-token"]).toBe("session-token-1234");
    expect(verify(request, "eu-central-1", "session-token-1234")).toMatchObject({ ok: true });
  });

  it("signs the port of an api_base, ignoring its trailing slash", async () => {
    const { target, request } = await signed(PROFILE, {
      ...keyOptions,
      api_base: "http://127.0.0.1:8123/",
      aws_region_name: "us-west-2",
    });
    expect(target.apiBase).toBe("http://127.0.0.1:8123");
    expect(request.headers.host).toBe("127.0.0.1:8123");
    expect(verify(request, "us-west-2")).toMatchObject({ ok: true });
  });

  it("reads keys, session token and region from the environment at call time", async () => {
    const env = {
      AWS_ACCESS_KEY_ID: KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey,
      AWS_SESSION_TOKEN: "env-token-0000",
      AWS_REGION: "ap-northeast-1",
    };
    const { target, request } = await signed(PROFILE, {}, env);
    expect(target.apiBase).toBe("https://bedrock-runtime.ap-northeast-1.amazonaws.com");
    expect(verify(request, "ap-northeast-1", "env-token-0000")).toMatchObject({ ok: true });
    // An environment token never joins keys passed in the call.
    const { request: own } = await signed(PROFILE, keyOptions, env);
    expect(own.headers["x-amz-security-token"]).toBeUndefined();
  });

  it("takes the region from aws_region_name, then AWS_REGION_NAME, AWS_REGION, AWS_DEFAULT_REGION, else us-west-2", () => {
    const base = (options: TargetOptions, env: NodeJS.ProcessEnv) =>
      resolveBedrockTarget(PROFILE, { ...keyOptions, ...options }, env).apiBase;
    const all = { AWS_REGION_NAME: "eu-west-1", AWS_REGION: "eu-west-2", AWS_DEFAULT_REGION: "eu-west-3" };
    expect(base({ aws_region_name: "sa-east-1" }, all)).toContain("sa-east-1");
    expect(base({}, all)).toContain("eu-west-1");
    expect(base({}, { AWS_REGION: "eu-west-2", AWS_DEFAULT_REGION: "eu-west-3" })).toContain("eu-west-2");
    expect(base({}, { AWS_DEFAULT_REGION: "eu-west-3" })).toContain("eu-west-3");
    expect(base({}, {})).toBe("https://bedrock-runtime.us-west-2.amazonaws.com");
  });

  it("takes the endpoint from api_base, then aws_bedrock_runtime_endpoint, then AWS_BEDROCK_RUNTIME_ENDPOINT", () => {
    const env = { AWS_BEDROCK_RUNTIME_ENDPOINT: "https://env.example" };
    expect(
      resolveBedrockTarget(
        PROFILE,
        { ...keyOptions, api_base: "https://a.example", aws_bedrock_runtime_endpoint: "https://b.example" },
        env,
      ).apiBase,
    ).toBe("https://a.example");
    expect(
      resolveBedrockTarget(
        PROFILE,
        { ...keyOptions, aws_bedrock_runtime_endpoint: "https://b.example/" },
        env,
      ).apiBase,
    ).toBe("https://b.example");
    expect(resolveBedrockTarget(PROFILE, keyOptions, env).apiBase).toBe("https://env.example");
  });

  it("sends api_key or AWS_BEARER_TOKEN_BEDROCK as a bearer token, unsigned", () => {
    const fromCall = resolveBedrockTarget(
      PROFILE,
      { api_key: "ABSK-call" },
      { AWS_BEARER_TOKEN_BEDROCK: "ABSK-env" },
    );
    expect(fromCall.authorize).toBeUndefined();
    expect(bedrockHeaders(fromCall)).toEqual({
      "content-type": "application/json",
      authorization: "Bearer ABSK-call",
    });
    const fromEnv = resolveBedrockTarget(
      PROFILE,
      {},
      { AWS_BEARER_TOKEN_BEDROCK: "ABSK-env", AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "y" },
    );
    expect(fromEnv.apiKey).toBe("ABSK-env");
    // Keys in the call win over the environment's bearer token.
    expect(
      resolveBedrockTarget(PROFILE, keyOptions, { AWS_BEARER_TOKEN_BEDROCK: "ABSK-env" }).authorize,
    ).toBeDefined();
  });

  it("refuses a call to AWS without credentials, naming where they come from; a private base goes unsigned", () => {
    expect(() => resolveBedrockTarget(PROFILE, {}, {})).toThrow(AuthenticationError);
    expect(() => resolveBedrockTarget(PROFILE, {}, {})).toThrow(/AWS_ACCESS_KEY_ID/);
    const open = resolveBedrockTarget(PROFILE, { api_base: "http://gateway.internal" }, {});
    expect(open.authorize).toBeUndefined();
    expect(bedrockHeaders(open)).toEqual({ "content-type": "application/json" });
  });

  it("keeps the secret off the target", async () => {
    const { target } = await signed(PROFILE, keyOptions);
    expect(JSON.stringify(target)).not.toContain(KEYS.secretAccessKey);
  });
});
