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

/** The page a location names: `/ui/usage` (or `/ui/#/usage`), Keys by default. */
export function pageOf(pathname: string, hash = ""): (typeof PAGES)[number] {
  const fromPath = pathname.replace(/^\/ui\/?/, "").split("/")[0];
  const fromHash = hash.replace(/^#\/?/, "").split(/[/?]/)[0];
  return PAGES.find((page) => page.path === fromPath || page.path === fromHash) ?? PAGES[0];
}

/** The current location, kept in step with the back and forward buttons. */
function useLocation(): [string, (path: string) => void] {
  const read = () => `${window.location.pathname}${window.location.hash}`;
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const onChange = () => setLocation(read());
    window.addEventListener("popstate", onChange);
    window.addEventListener("hashchange", onChange);
    return () => {
      window.removeEventListener("popstate", onChange);
      window.removeEventListener("hashchange", onChange);
    };
  }, []);
  const navigate = (path: string) => {
    window.history.pushState(null, "", path);
    setLocation(read());
  };
  return [location, navigate];
}

export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [location, navigate] = useLocation();
  const refresh = () =>
    get<Session>("/ui/session").then(setSession, (failure: unknown) => setError(String(failure)));
  useEffect(() => {
    setUnauthorizedHandler(() =>
      setSession((current) => (current === undefined ? current : { ...current, authenticated: false })),
    );
    refresh();
  }, []);
  const [pathname = "", hash = ""] = location.split("#");
  const page = pageOf(pathname, hash);
  useEffect(() => {
    document.title = `${page.name} · llmgate`;
  }, [page]);
  if (session === undefined) {
    return (
      <main class="container">
        {error === undefined ? <p aria-busy="true">Loading…</p> : <p role="alert">{error}</p>}
      </main>
    );
  }
  if (!session.authenticated) return <LoginPage session={session} onLoggedIn={refresh} />;
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
                <a
                  href={`/ui/${candidate.path}`}
                  aria-current={candidate === page ? "page" : undefined}
                  onClick={(event) => {
                    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
                    event.preventDefault();
                    navigate(`/ui/${candidate.path}`);
                  }}
                >
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
