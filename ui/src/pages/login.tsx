import { useState } from "preact/hooks";
import { post, type Session } from "../api";
import { ErrorText, TextField } from "../components/form";
import { messageOf } from "../components/load";

/** The master key (or `UI_USERNAME` / `UI_PASSWORD`) for a session cookie. */
export function LoginPage(props: { session: Session; onLoggedIn: () => void }) {
  const [masterKey, setMasterKey] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const withPassword = props.session.login === "username_password";
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post("/ui/login", withPassword ? { username, password } : { master_key: masterKey });
      props.onLoggedIn();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="container login">
      <article>
        <header>
          <h1>llmgate</h1>
        </header>
        {props.session.master_key_set ? (
          <form onSubmit={submit}>
            {withPassword ? (
              <>
                <TextField
                  id="login-username"
                  label="Username"
                  value={username}
                  onInput={setUsername}
                  autoComplete="username"
                  required
                />
                <TextField
                  id="login-password"
                  label="Password"
                  type="password"
                  value={password}
                  onInput={setPassword}
                  autoComplete="current-password"
                  required
                />
              </>
            ) : (
              <TextField
                id="login-master-key"
                label="Master key"
                type="password"
                value={masterKey}
                onInput={setMasterKey}
                autoComplete="current-password"
                required
              />
            )}
            <ErrorText error={error} />
            <button type="submit" aria-busy={busy}>
              Log in
            </button>
          </form>
        ) : (
          <p role="alert">
            This proxy has no master key, so it has no admin UI: set <code>general_settings.master_key</code>{" "}
            in its config and restart it.
          </p>
        )}
      </article>
    </main>
  );
}
