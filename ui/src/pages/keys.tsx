import { useState } from "preact/hooks";
import { get, type KeyRow, listAllKeys, post, type TeamRow } from "../api";
import { ErrorText, FormFooter, fieldId, SelectField, TextField } from "../components/form";
import { LimitFields } from "../components/limit-fields";
import { useAction, useLoad } from "../components/load";
import { Confirm, Modal, Page } from "../components/modal";
import { NewKey } from "../components/new-key";
import { dateTime, limit, modelList, shortHash, spendOfBudget } from "../format";
import { EMPTY_KEY, type KeyValues, keyBody, limitValuesOf } from "./limits-form";

type Dialog =
  | { kind: "create" }
  | { kind: "edit"; key: KeyRow }
  | { kind: "delete"; key: KeyRow }
  | { kind: "shown"; title: string; apiKey: string };

function KeyForm(props: {
  mode: "create" | "edit";
  initial: KeyValues;
  teams: TeamRow[];
  onSubmit: (values: KeyValues) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(props.initial);
  const action = useAction();
  const [ids] = useState(() => ({
    alias: fieldId("alias"),
    duration: fieldId("duration"),
    team: fieldId("team"),
  }));
  const submit = async (event: Event) => {
    event.preventDefault();
    await action.run(() => props.onSubmit(values));
  };
  return (
    <form onSubmit={submit}>
      <TextField
        id={ids.alias}
        label="Key alias"
        value={values.alias}
        onInput={(alias) => setValues({ ...values, alias })}
      />
      <LimitFields
        values={values}
        onChange={setValues}
        modelHint="Model groups, separated by commas; empty: every model"
      />
      <TextField
        id={ids.duration}
        label="Duration"
        value={values.duration}
        onInput={(duration) => setValues({ ...values, duration })}
        placeholder={
          props.mode === "create" ? "e.g. 30d (never expires)" : "e.g. 30d from now (expiry unchanged)"
        }
      />
      <SelectField
        id={ids.team}
        label="Team"
        value={values.team}
        onChange={(team) => setValues({ ...values, team })}
        options={[
          { value: "", label: "No team" },
          ...props.teams.map((team) => ({ value: team.team_id, label: team.team_alias ?? team.team_id })),
        ]}
      />
      <FormFooter mode={props.mode} busy={action.busy} error={action.error} onCancel={props.onCancel} />
    </form>
  );
}

function bodyOrThrow(values: KeyValues, mode: "create" | "edit"): Record<string, unknown> {
  const result = keyBody(values, mode);
  if ("error" in result) throw new Error(result.error);
  return result.body;
}

function expiry(key: KeyRow): string {
  if (key.expires === null) return "never";
  return Date.parse(key.expires) <= Date.now() ? `expired ${dateTime(key.expires)}` : dateTime(key.expires);
}

export function KeysPage() {
  const keys = useLoad(listAllKeys, []);
  const teams = useLoad(() => get<TeamRow[]>("/team/list"), []);
  const [dialog, setDialog] = useState<Dialog | undefined>(undefined);
  const action = useAction();
  const teamName = (id: string | null) => {
    if (id === null) return "—";
    return teams.data?.find((team) => team.team_id === id)?.team_alias ?? id;
  };
  const close = () => {
    setDialog(undefined);
    action.setError(undefined);
  };
  /** A row's action; the table is read again whatever its outcome. */
  const act = (run: () => Promise<unknown>) => action.run(run).then(keys.reload);
  const create = async (values: KeyValues) => {
    const answer = await post<{ key: string }>("/key/generate", bodyOrThrow(values, "create"));
    keys.reload();
    setDialog({ kind: "shown", title: "Key created", apiKey: answer.key });
  };
  const save = (key: KeyRow) => async (values: KeyValues) => {
    await post("/key/update", { key: key.token, ...bodyOrThrow(values, "edit") });
    keys.reload();
    close();
  };
  const regenerate = (key: KeyRow) =>
    act(async () => {
      const answer = await post<{ key: string }>("/key/regenerate", { key: key.token });
      setDialog({ kind: "shown", title: "Key regenerated", apiKey: answer.key });
    });
  const remove = (key: KeyRow) =>
    action.run(async () => {
      await post("/key/delete", { keys: [key.token] });
      close();
      keys.reload();
    });

  let dialogView = null;
  if (dialog?.kind === "create" || dialog?.kind === "edit") {
    const initial =
      dialog.kind === "create"
        ? EMPTY_KEY
        : {
            ...limitValuesOf(dialog.key),
            alias: dialog.key.key_alias ?? "",
            duration: "",
            team: dialog.key.team_id ?? "",
          };
    dialogView = (
      <Modal
        title={dialog.kind === "create" ? "Create key" : `Edit key ${dialog.key.key_alias ?? ""}`}
        onClose={close}
      >
        <KeyForm
          mode={dialog.kind}
          initial={initial}
          teams={teams.data ?? []}
          onSubmit={dialog.kind === "create" ? create : save(dialog.key)}
          onCancel={close}
        />
      </Modal>
    );
  } else if (dialog?.kind === "delete") {
    dialogView = (
      <Confirm
        title="Delete key"
        message={`Delete the key ${dialog.key.key_alias ?? shortHash(dialog.key.token)}? Clients using it get 401 at once.`}
        confirm="Delete"
        busy={action.busy}
        error={action.error}
        onConfirm={() => remove(dialog.key)}
        onCancel={close}
      />
    );
  } else if (dialog?.kind === "shown") {
    dialogView = <NewKey title={dialog.title} apiKey={dialog.apiKey} onClose={close} />;
  }

  return (
    <Page title="Keys" dialog={dialogView}>
      <p>
        <button type="button" onClick={() => setDialog({ kind: "create" })}>
          Create key
        </button>
      </p>
      <ErrorText error={keys.error ?? (dialog === undefined ? action.error : undefined)} />
      <div class="overflow-auto">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">Alias</th>
              <th scope="col">Key</th>
              <th scope="col">Models</th>
              <th scope="col">Spend / budget</th>
              <th scope="col">RPM</th>
              <th scope="col">TPM</th>
              <th scope="col">Team</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody aria-busy={keys.loading}>
            {(keys.data ?? []).map((key) => (
              <tr key={key.token} data-key-hash={key.token}>
                <td>{key.key_alias ?? "—"}</td>
                <td>
                  <code title="The key's hash; the key itself is never stored">{shortHash(key.token)}</code>
                </td>
                <td>{modelList(key.models)}</td>
                <td>
                  {spendOfBudget(key.spend, key.max_budget)}
                  {key.budget_duration === null ? null : <small> every {key.budget_duration}</small>}
                </td>
                <td>{limit(key.rpm_limit)}</td>
                <td>{limit(key.tpm_limit)}</td>
                <td>{teamName(key.team_id)}</td>
                <td>{expiry(key)}</td>
                <td>{key.blocked ? <mark>Blocked</mark> : "Active"}</td>
                <td class="actions">
                  <button type="button" class="outline" onClick={() => setDialog({ kind: "edit", key })}>
                    Edit
                  </button>
                  <button
                    type="button"
                    class="outline"
                    onClick={() =>
                      act(() => post(key.blocked ? "/key/unblock" : "/key/block", { key: key.token }))
                    }
                  >
                    {key.blocked ? "Unblock" : "Block"}
                  </button>
                  <button type="button" class="outline" onClick={() => regenerate(key)}>
                    Regenerate
                  </button>
                  <button
                    type="button"
                    class="outline danger"
                    onClick={() => setDialog({ kind: "delete", key })}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {keys.data !== undefined && keys.data.length === 0 ? <p>No keys yet.</p> : null}
      </div>
    </Page>
  );
}
