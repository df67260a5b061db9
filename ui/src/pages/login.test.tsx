// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LoginPage } from "./login";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("LoginPage", () => {
  it("logs in with the master key", async () => {
    const bodies: unknown[] = [];
    vi.stubGlobal("fetch", async (_path: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response(JSON.stringify({ authenticated: true }), { status: 200 });
    });
    const onLoggedIn = vi.fn();
    render(
      <LoginPage
        session={{ authenticated: false, login: "master_key", master_key_set: true }}
        onLoggedIn={onLoggedIn}
      />,
    );
    fireEvent.input(screen.getByLabelText("Master key"), { target: { value: "sk-master" } });
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    await waitFor(() => expect(onLoggedIn).toHaveBeenCalled());
    expect(bodies).toEqual([{ master_key: "sk-master" }]);
  });

  it("asks for a username and password when UI_USERNAME is set, and shows a refusal", async () => {
    vi.stubGlobal(
      "fetch",
      async () =>
        new Response(JSON.stringify({ error: { message: "wrong username or password" } }), { status: 401 }),
    );
    render(
      <LoginPage
        session={{ authenticated: false, login: "username_password", master_key_set: true }}
        onLoggedIn={() => {}}
      />,
    );
    expect(screen.queryByLabelText("Master key")).toBeNull();
    fireEvent.input(screen.getByLabelText("Username"), { target: { value: "admin" } });
    fireEvent.input(screen.getByLabelText("Password"), { target: { value: "nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("wrong username or password");
  });

  it("says that a proxy without a master key has no admin UI", () => {
    render(
      <LoginPage
        session={{ authenticated: false, login: "master_key", master_key_set: false }}
        onLoggedIn={() => {}}
      />,
    );
    expect(screen.getByRole("alert").textContent).toContain("general_settings.master_key");
    expect(screen.queryByRole("button", { name: "Log in" })).toBeNull();
  });
});
