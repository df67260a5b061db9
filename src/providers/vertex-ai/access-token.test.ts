import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTokenEndpoint, startFakeTokenEndpoint } from "../../../test/fakes/google-token-endpoint.js";
import { AuthenticationError } from "../../errors/index.js";
import { createAccessTokenSource } from "./access-token.js";
import { readServiceAccount, type ServiceAccount } from "./credentials.js";

let endpoint: FakeTokenEndpoint;
let account: ServiceAccount;

beforeAll(async () => {
  endpoint = await startFakeTokenEndpoint();
  account = readServiceAccount(
    { vertex_credentials: endpoint.createServiceAccount() },
    {},
    "gemini-2.5-flash",
  );
});

afterAll(() => endpoint.close());

describe("createAccessTokenSource", () => {
  it("gets a token with a JWT the token endpoint verifies (RS256, iss, scope, aud, iat, exp)", async () => {
    const tokens = createAccessTokenSource();
    const token = await tokens(account, "m");
    expect(endpoint.isTokenValid(token)).toBe(true);
    const grant = endpoint.grants.at(-1);
    expect(grant?.header).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(grant?.claims).toMatchObject({ iss: account.clientEmail, aud: endpoint.tokenUri });
  });

  it("caches the token, and shares one fetch among concurrent calls", async () => {
    const tokens = createAccessTokenSource();
    const before = endpoint.requestCount();
    endpoint.enqueue({ kind: "issue", delayMs: 100 });
    const all = await Promise.all(Array.from({ length: 10 }, () => tokens(account, "m")));
    expect(new Set(all).size).toBe(1);
    expect(await tokens(account, "m")).toBe(all[0]);
    expect(endpoint.requestCount() - before).toBe(1);
  });

  it("fetches again shortly before the token expires", async () => {
    let offsetMs = 0;
    const tokens = createAccessTokenSource({ now: () => Date.now() + offsetMs });
    endpoint.enqueue({ kind: "issue", expiresIn: 100 });
    const first = await tokens(account, "m");
    offsetMs = 49_000;
    expect(await tokens(account, "m")).toBe(first);
    offsetMs = 51_000;
    const second = await tokens(account, "m");
    expect(second).not.toBe(first);
  });

  it("turns a refusal into an AuthenticationError that names the account and not the key, and does not cache it", async () => {
    const tokens = createAccessTokenSource();
    endpoint.enqueue({
      kind: "fail",
      status: 400,
      error: "invalid_grant",
      description: "Invalid JWT Signature.",
    });
    const error = await tokens(account, "m").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain(account.clientEmail);
    expect((error as Error).message).toContain("invalid_grant: Invalid JWT Signature.");
    expect((error as Error).message).not.toContain("PRIVATE KEY");
    expect(await tokens(account, "m")).toMatch(/^ya29\./);
  });

  it("refuses an account whose key the endpoint does not trust", async () => {
    const other = readServiceAccount({ vertex_credentials: endpoint.createServiceAccount() }, {}, "m");
    const tokens = createAccessTokenSource();
    await expect(tokens({ ...other, clientEmail: account.clientEmail }, "m")).rejects.toThrow(
      /Invalid JWT Signature/,
    );
  });

  it("turns an unreachable endpoint into an AuthenticationError", async () => {
    const tokens = createAccessTokenSource();
    await expect(tokens({ ...account, tokenUri: "http://127.0.0.1:1/token" }, "m")).rejects.toThrow(
      /could not get an access token .* could not be reached/,
    );
  });
});
