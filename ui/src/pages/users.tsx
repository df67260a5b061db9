import { useState } from "preact/hooks";
import { get, post, type UserRow } from "../api";
import { ErrorText, FormFooter, fieldId, Row, SelectField, TextField } from "../components/form";
import { LimitFields } from "../components/limit-fields";
import { useAction, useLoad } from "../components/load";
import { Confirm, Modal, Page } from "../components/modal";
import { NewKey } from "../components/new-key";
import { dateTime, limit, modelList, spendOfBudget } from "../format";
import { EMPTY_LIMITS, type LimitValues, limitsBody, limitValuesOf } from "./limits-form";

interface UserValues extends LimitValues {
  userId: string;
  email: string;
  role: string;
  withKey: boolean;
}

const ROLES = ["internal_user", "internal_user_viewer", "proxy_admin", "proxy_admin_viewer"];

type Dialog =
  | { kind: "create" }
  | { kind: "edit"; user: UserRow }
  | { kind: "delete"; user: UserRow }
  | { kind: "shown"; apiKey: string };

function UserForm(props: {
  mode: "create" | "edit";
  initial: UserValues;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(props.initial);
  const action = useAction();
  const [ids] = useState(() => ({
    user: fieldId("user-id"),
    email: fieldId("email"),
    role: fieldId("role"),
    key: fieldId("with-key"),
  }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const limits = limitsBody(values);
    if ("error" in limits) {
      action.setError(limits.error);
      return;
    }
    const body: Record<string, unknown> = {
      ...limits.body,
      user_email: values.email.trim() === "" ? null : values.email.trim(),
      user_role: values.role,
    };
    if (props.mode === "create") {
      for (const [name, value] of Object.entries(body)) if (value === null) delete body[name];
      if (values.userId.trim() !== "") body.user_id = values.userId.trim();
      body.auto_create_key = values.withKey;
    }
    await action.run(() => props.onSubmit(body));
  };
  return (
    <form onSubmit={submit}>
      {props.mode === "create" ? (
        <TextField
          id={ids.user}
          label="User ID"
          value={values.userId}
          onInput={(userId) => setValues({ ...values, userId })}
          placeholder="empty: a random id"
        />
      ) : null}
      <Row>
        <div>
          <TextField
            id={ids.email}
            label="Email"
            type="email"
            value={values.email}
            onInput={(email) => setValues({ ...values, email })}
          />
        </div>
        <div>
          <SelectField
            id={ids.role}
            label="Role"
            value={values.role}
            onChange={(role) => setValues({ ...values, role })}
            options={ROLES.map((role) => ({ value: role, label: role }))}
          />
        </div>
      </Row>
      <LimitFields
        values={values}
        onChange={setValues}
        modelHint="Model groups the user's keys may call; empty: every model"
      />
      {props.mode === "create" ? (
        <label for={ids.key}>
          <input
            id={ids.key}
            type="checkbox"
            checked={values.withKey}
            onChange={(event) =>
              setValues({ ...values, withKey: (event.currentTarget as HTMLInputElement).checked })
            }
          />
          Create a key for the user
        </label>
      ) : null}
      <FormFooter mode={props.mode} busy={action.busy} error={action.error} onCancel={props.onCancel} />
    </form>
  );
}

export function UsersPage() {
  const users = useLoad(() => get<{ users: UserRow[] }>("/user/list", { page_size: 1000 }), []);
  const [dialog, setDialog] = useState<Dialog | undefined>(undefined);
  const action = useAction();
  const close = () => {
    setDialog(undefined);
    action.setError(undefined);
  };
  const create = async (body: Record<string, unknown>) => {
    const answer = await post<{ key?: string | null }>("/user/new", body);
    users.reload();
    if (typeof answer.key === "string" && answer.key !== "") setDialog({ kind: "shown", apiKey: answer.key });
    else close();
  };
  const save = (user: UserRow) => async (body: Record<string, unknown>) => {
    await post("/user/update", { user_id: user.user_id, ...body });
    users.reload();
    close();
  };
  const remove = (user: UserRow) =>
    action.run(async () => {
      await post("/user/delete", { user_ids: [user.user_id] });
      users.reload();
      close();
    });

  let dialogView = null;
  if (dialog?.kind === "create" || dialog?.kind === "edit") {
    const initial: UserValues =
      dialog.kind === "create"
        ? { ...EMPTY_LIMITS, userId: "", email: "", role: "internal_user", withKey: false }
        : {
            ...limitValuesOf(dialog.user),
            userId: dialog.user.user_id,
            email: dialog.user.user_email ?? "",
            role: dialog.user.user_role ?? "internal_user",
            withKey: false,
          };
    dialogView = (
      <Modal
        title={dialog.kind === "create" ? "Create user" : `Edit user ${dialog.user.user_id}`}
        onClose={close}
      >
        <UserForm
          mode={dialog.kind}
          initial={initial}
          onSubmit={dialog.kind === "create" ? create : save(dialog.user)}
          onCancel={close}
        />
      </Modal>
    );
  } else if (dialog?.kind === "delete") {
    dialogView = (
      <Confirm
        title="Delete user"
        message={`Delete the user ${dialog.user.user_id}? Their keys are deleted and they leave their teams.`}
        confirm="Delete"
        busy={action.busy}
        error={action.error}
        onConfirm={() => remove(dialog.user)}
        onCancel={close}
      />
    );
  } else if (dialog?.kind === "shown") {
    dialogView = <NewKey title="User created" apiKey={dialog.apiKey} onClose={close} />;
  }

  return (
    <Page title="Users" dialog={dialogView}>
      <p>
        <button type="button" onClick={() => setDialog({ kind: "create" })}>
          Create user
        </button>
      </p>
      <ErrorText error={users.error ?? (dialog === undefined ? action.error : undefined)} />
      <div class="overflow-auto">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">User ID</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Models</th>
              <th scope="col">Spend / budget</th>
              <th scope="col">RPM</th>
              <th scope="col">TPM</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody aria-busy={users.loading}>
            {(users.data?.users ?? []).map((user) => (
              <tr key={user.user_id}>
                <td>
                  <code>{user.user_id}</code>
                </td>
                <td>{user.user_email ?? "—"}</td>
                <td>{user.user_role ?? "—"}</td>
                <td>{modelList(user.models)}</td>
                <td>{spendOfBudget(user.spend, user.max_budget)}</td>
                <td>{limit(user.rpm_limit)}</td>
                <td>{limit(user.tpm_limit)}</td>
                <td>{dateTime(user.created_at)}</td>
                <td class="actions">
                  <button type="button" class="outline" onClick={() => setDialog({ kind: "edit", user })}>
                    Edit
                  </button>
                  <button
                    type="button"
                    class="outline danger"
                    onClick={() => setDialog({ kind: "delete", user })}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {users.data !== undefined && users.data.users.length === 0 ? <p>No users yet.</p> : null}
      </div>
    </Page>
  );
}
