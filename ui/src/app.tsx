import { useEffect, useState } from "preact/hooks";
import { get, post, type Session, setUnauthorizedHandler } from "./api";
import { KeysPage } from "./pages/keys";
import { LoginPage } from "./pages/login";
import { LogsPage } from "./pages/logs";
import { ModelsPage } from "./pages/models";
import { TeamsPage } from "./pages/teams";
import { UsagePage } from "./pages/usage";
import { UsersPage } from "./pages/users";

export const PAGES = [
  { path: "keys", name: "Keys", view: KeysPage },
  { path: "teams", name: "Teams", view: TeamsPage },
  { path: "users", name: "Users", view: UsersPage },
  { path: "models", name: "Models", view: ModelsPage },
  { path: "usage", name: "Usage", view: UsagePage },
  { path: "logs", name: "Logs", view: LogsPage },
] as const;

/** The page a location hash names (`#/usage`), Keys by default. */
export function pageOf(hash: string): (typeof PAGES)[number] {
  const path = hash.replace(/^#\/?/, "").split(/[/?]/)[0];
  return PAGES.find((page) => page.path === path) ?? PAGES[0];
}

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return hash;
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const hash = useHash();
  const refresh = () =>
    get<Session>("/ui/session").then(setSession, (failure: unknown) => setError(String(failure)));
  useEffect(() => {
    setUnauthorizedHandler(() =>
      setSession((current) => (current === undefined ? current : { ...current, authenticated: false })),
    );
    refresh();
  }, []);
  useEffect(() => {
    const page = pageOf(hash);
    document.title = `${page.name} · llmgate`;
  }, [hash]);
  if (session === undefined) {
    return (
      <main class="container">
        {error === undefined ? <p aria-busy="true">Loading…</p> : <p role="alert">{error}</p>}
      </main>
    );
  }
  if (!session.authenticated) return <LoginPage session={session} onLoggedIn={refresh} />;
  const page = pageOf(hash);
  const View = page.view;
  const logOut = async () => {
    await post("/ui/logout").catch(() => undefined);
    refresh();
  };
  return (
    <>
      <header class="container-fluid">
        <nav aria-label="Main">
          <ul>
            <li>
              <strong>llmgate</strong>
            </li>
          </ul>
          <ul>
            {PAGES.map((candidate) => (
              <li key={candidate.path}>
                <a href={`#/${candidate.path}`} aria-current={candidate === page ? "page" : undefined}>
                  {candidate.name}
                </a>
              </li>
            ))}
            <li>
              <button type="button" class="secondary outline" onClick={logOut}>
                Log out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main class="container-fluid">
        <View key={page.path} />
      </main>
    </>
  );
}
