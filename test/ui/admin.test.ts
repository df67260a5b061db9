/**
 * The admin UI end to end: the real CLI in front of the fake upstream, headless Chromium driving
 * /ui by accessible names (the names issue 10 gives), and the official `openai` client using the
 * keys the UI makes. Screenshots of every page go to test-results/ui/.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiErrorOf,
  at,
  chatBody,
  costOf,
  echoUsage,
  type Gate,
  MASTER_KEY,
  PRICED,
  startGate,
} from "../e2e/keys-helpers.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { launchChromium, screenshot, watchPage } from "./browser.js";

let upstream: FakeUpstream;
let gate: Gate;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let seen: ReturnType<typeof watchPage>;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gate = await startGate({ upstreamBaseUrl: upstream.baseUrl });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  seen = watchPage(page);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gate?.stop();
  await upstream?.close();
});

/** The money text the UI shows (two significant digits below a cent). */
function uiMoney(value: number): string {
  if (value >= 0.01) return `$${value.toFixed(2)}`;
  const decimals = 1 - Math.floor(Math.log10(value));
  return `$${Number(value.toPrecision(2)).toFixed(decimals)}`;
}

async function open(name: "Keys" | "Teams" | "Users" | "Models" | "Usage" | "Logs") {
  await page.getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 2, name, exact: true }).waitFor();
}

const keyRow = (alias: string) => page.getByRole("row").filter({ hasText: alias });

async function createKey(fields: Record<string, string>): Promise<string> {
  await page.getByRole("button", { name: "Create key" }).click();
  for (const [label, value] of Object.entries(fields))
    await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole("button", { name: "Create", exact: true }).click();
  const shown = page.getByText(/^sk-/);
  await shown.waitFor();
  const key = (await shown.textContent()) ?? "";
  expect(await page.getByLabel("New key").inputValue()).toBe(key);
  await page.getByRole("button", { name: "Done" }).click();
  return key;
}

describe("the admin UI", { timeout: 60_000 }, () => {
  it("logs in with the master key into an HttpOnly, SameSite=Strict session", async () => {
    await page.goto(`${gate.url}/ui`);
    await page.getByLabel("Master key").fill("sk-not-the-master-key");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("wrong master key");
    seen.errors.length = 0; // the browser logs the refused login's 401
    await page.getByLabel("Master key").fill(MASTER_KEY);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { level: 2, name: "Keys" }).waitFor();
    for (const name of ["Keys", "Teams", "Users", "Models", "Usage", "Logs"]) {
      expect(await page.getByRole("link", { name, exact: true }).isVisible()).toBe(true);
    }
    const [cookie, ...others] = await context.cookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ name: "llmgate_session", httpOnly: true, sameSite: "Strict", path: "/" });
    expect(cookie?.value).not.toContain(MASTER_KEY);
    // The session survives a reload.
    await page.reload();
    await page.getByRole("heading", { level: 2, name: "Keys" }).waitFor();
    await screenshot(page, "keys-empty");
  });

  it("creates a key the openai client can use, shows its spend on Usage and its request on Logs, and blocks it", async () => {
    const key = await createKey({
      "Key alias": "ui-alice",
      Models: "priced",
      "Max budget": "5",
      "RPM limit": "100",
      "TPM limit": "100000",
      Duration: "1d",
    });
    expect(key).toMatch(/^sk-\S{20,}$/);
    await expect.poll(() => keyRow("ui-alice").textContent()).toContain("$0.00 / $5.00");
    const row = await keyRow("ui-alice").textContent();
    expect(row).toContain("priced");
    expect(row).toContain("100,000");
    expect(row).not.toContain(key);
    await screenshot(page, "keys");

    const text = "hello from the admin ui";
    const { data: completion, response } = await gate
      .client(key)
      .chat.completions.create(chatBody("priced", text) as never)
      .withResponse();
    expect(completion.choices[0]?.message.content).toBe(`echo: ${text}`);
    const callId = response.headers.get("x-llmgate-call-id") ?? "";
    expect(callId).not.toBe("");
    const cost = costOf(echoUsage(text), PRICED);

    await open("Usage");
    const byKey = page.getByRole("table", { name: "Spend by key" });
    await expect
      .poll(() => byKey.getByRole("row").filter({ hasText: "ui-alice" }).textContent(), { timeout: 10_000 })
      .toContain(uiMoney(cost));
    await expect
      .poll(() => page.getByRole("table", { name: "Spend by model" }).textContent())
      .toContain("priced");
    await page.getByRole("figure", { name: "Spend per day" }).locator("canvas").waitFor();
    await screenshot(page, "usage");

    await open("Logs");
    const logRow = page.getByRole("row").filter({ hasText: "ui-alice" });
    await expect.poll(() => logRow.textContent()).toContain("success");
    const logText = await logRow.textContent();
    expect(logText).toContain("priced");
    expect(logText).toContain(uiMoney(cost));
    await screenshot(page, "logs");
    await logRow.getByRole("button", { name: "Details" }).click();
    const detail = page.getByRole("dialog", { name: "Request" });
    await expect.poll(() => detail.textContent()).toContain(callId);
    await screenshot(page, "logs-detail");
    await detail.getByRole("button", { name: "Close" }).click();
    await page.getByLabel("Status").selectOption("failure");
    await expect.poll(() => page.getByText("No requests match.").isVisible()).toBe(true);

    await open("Keys");
    await keyRow("ui-alice").getByRole("button", { name: "Block", exact: true }).click();
    await expect.poll(() => keyRow("ui-alice").textContent()).toContain("Blocked");
    const refused = await apiErrorOf(gate.client(key).chat.completions.create(chatBody("priced") as never));
    expect(refused.status).toBe(401);
    await screenshot(page, "keys-blocked");
    await keyRow("ui-alice").getByRole("button", { name: "Unblock" }).click();
    await expect.poll(() => keyRow("ui-alice").textContent()).toContain("Active");
    await gate.client(key).chat.completions.create(chatBody("priced") as never);
  });

  it("edits a key's limits, which hold at once", async () => {
    const key = await createKey({ "Key alias": "ui-bob", Models: "priced" });
    await keyRow("ui-bob").getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("RPM limit").fill("1");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => keyRow("ui-bob").locator("td").nth(4).textContent()).toBe("1");
    const client = gate.client(key);
    await client.chat.completions.create(chatBody("priced") as never);
    expect((await apiErrorOf(client.chat.completions.create(chatBody("priced") as never))).status).toBe(429);
  });

  it("regenerates a key (the old one stops working) and deletes it after a confirmation", async () => {
    const old = await createKey({ "Key alias": "ui-carol" });
    await keyRow("ui-carol").getByRole("button", { name: "Regenerate" }).click();
    const shown = page.getByText(/^sk-/);
    await shown.waitFor();
    const fresh = (await shown.textContent()) ?? "";
    expect(fresh).not.toBe(old);
    await screenshot(page, "keys-regenerated");
    await page.getByRole("button", { name: "Done" }).click();
    expect((await apiErrorOf(gate.client(old).models.list())).status).toBe(401);
    await gate.client(fresh).models.list();

    await keyRow("ui-carol").getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete key" });
    await confirm.waitFor();
    await screenshot(page, "keys-delete");
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => keyRow("ui-carol").count()).toBe(0);
    expect((await apiErrorOf(gate.client(fresh).models.list())).status).toBe(401);
  });

  it("creates a team with a member and a budget, and a user", async () => {
    await open("Teams");
    await page.getByRole("button", { name: "Create team" }).click();
    await page.getByLabel("Team alias").fill("ui-team");
    await page.getByLabel("Max budget").fill("50");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    const teamRow = page.getByRole("row").filter({ hasText: "ui-team" });
    await expect.poll(() => teamRow.textContent()).toContain("$0.00 / $50.00");
    await teamRow.getByRole("button", { name: "Members" }).click();
    await page.getByLabel("User ID").fill("ui-member");
    await page.getByRole("button", { name: "Add member" }).click();
    await expect.poll(() => page.getByRole("dialog").textContent()).toContain("ui-member");
    await screenshot(page, "teams-members");
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
    await expect.poll(() => teamRow.locator("td").nth(6).textContent()).toBe("1");
    await screenshot(page, "teams");
    const teams = await gate.api("GET", "/team/list");
    const team = (
      teams.body as { team_alias: string; max_budget: number; members_with_roles: unknown[] }[]
    ).find((candidate) => candidate.team_alias === "ui-team");
    expect(team).toMatchObject({
      max_budget: 50,
      members_with_roles: [{ user_id: "ui-member", role: "user" }],
    });

    await open("Users");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.getByLabel("User ID").fill("ui-dave");
    await page.getByLabel("Email").fill("dave@example.com");
    await page.getByLabel("TPM limit").fill("5000");
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await expect
      .poll(() => page.getByRole("row").filter({ hasText: "ui-dave" }).textContent())
      .toContain("dave@example.com");
    expect(await page.getByRole("row").filter({ hasText: "ui-member" }).count()).toBe(1);
    await screenshot(page, "users");
    const info = await gate.api("GET", "/user/info?user_id=ui-dave");
    expect(at(info.body, "user_info", "tpm_limit")).toBe(5000);
  });

  it("shows every deployment, never a secret, and runs the health check", async () => {
    await open("Models");
    const table = page.getByRole("table");
    await expect.poll(() => table.textContent()).toContain("priced-deployment");
    expect(await table.textContent()).not.toContain("sk-upstream");
    expect(await table.textContent()).toContain("openai");
    await page.getByRole("button", { name: "Run health check" }).click();
    await expect
      .poll(() => page.getByRole("row").filter({ hasText: "priced-deployment" }).textContent())
      .toContain("Healthy");
    await screenshot(page, "models");
  });

  it("opens a page from its address and follows the back button", async () => {
    await page.goto(`${gate.url}/ui/usage`);
    await page.getByRole("heading", { level: 2, name: "Usage" }).waitFor();
    await open("Logs");
    expect(new URL(page.url()).pathname).toBe("/ui/logs");
    await page.goBack();
    await page.getByRole("heading", { level: 2, name: "Usage" }).waitFor();
  });

  it("loaded nothing from another origin and threw no error", () => {
    const origin = new URL(gate.url).origin;
    expect(seen.urls.filter((url) => !url.startsWith(origin) && !url.startsWith("data:"))).toEqual([]);
    expect(seen.errors).toEqual([]);
  });

  it("logs out", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByLabel("Master key").waitFor();
    const answer = await page.evaluate(async () => (await fetch("/key/list")).status);
    expect(answer).toBe(401);
  });
});

describe("the admin UI with UI_USERNAME and UI_PASSWORD", () => {
  it("asks for them instead of the master key", async () => {
    const other = await startGate({
      upstreamBaseUrl: upstream.baseUrl,
      env: { UI_USERNAME: "admin", UI_PASSWORD: "correct horse" },
    });
    const session = await browser.newContext();
    try {
      const tab = await session.newPage();
      await tab.goto(`${other.url}/ui/`);
      await tab.getByLabel("Username").fill("admin");
      await tab.getByLabel("Password").fill("correct horse");
      expect(await tab.getByLabel("Master key").count()).toBe(0);
      await tab.getByRole("button", { name: "Log in" }).click();
      await tab.getByRole("link", { name: "Keys" }).waitFor();
      await tab.getByRole("heading", { level: 2, name: "Keys" }).waitFor();
      await screenshot(tab, "login-password-keys");
    } finally {
      await session.close();
      await other.stop();
    }
  }, 60_000);
});
