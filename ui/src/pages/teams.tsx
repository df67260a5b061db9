import { useState } from "preact/hooks";
import { get, post, type TeamRow } from "../api";
import { ErrorText, FormFooter, fieldId, Row, SelectField, TextField } from "../components/form";
import { LimitFields } from "../components/limit-fields";
import { messageOf, useAction, useLoad } from "../components/load";
import { Confirm, Modal, Page } from "../components/modal";
import { dateTime, limit, modelList, spendOfBudget } from "../format";
import { EMPTY_LIMITS, type LimitValues, limitsBody, limitValuesOf } from "./limits-form";

interface TeamValues extends LimitValues {
  alias: string;
}

type Dialog =
  | { kind: "create" }
  | { kind: "edit"; team: TeamRow }
  | { kind: "members"; team: TeamRow }
  | { kind: "delete"; team: TeamRow };

function TeamForm(props: {
  mode: "create" | "edit";
  initial: TeamValues;
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(props.initial);
  const action = useAction();
  const [aliasId] = useState(() => fieldId("team-alias"));
  const submit = async (event: Event) => {
    event.preventDefault();
    const limits = limitsBody(values);
    if ("error" in limits) {
      action.setError(limits.error);
      return;
    }
    const body: Record<string, unknown> = {
      ...limits.body,
      team_alias: values.alias.trim() === "" ? null : values.alias.trim(),
    };
    if (props.mode === "create")
      for (const [name, value] of Object.entries(body)) if (value === null) delete body[name];
    await action.run(() => props.onSubmit(body));
  };
  return (
    <form onSubmit={submit}>
      <TextField
        id={aliasId}
        label="Team alias"
        value={values.alias}
        onInput={(alias) => setValues({ ...values, alias })}
      />
      <LimitFields
        values={values}
        onChange={setValues}
        modelHint="Model groups the team's keys may call; empty: every model"
      />
      <FormFooter mode={props.mode} busy={action.busy} error={action.error} onCancel={props.onCancel} />
    </form>
  );
}

function Members(props: { team: TeamRow; onChanged: () => void; onClose: () => void }) {
  const [members, setMembers] = useState(props.team.members_with_roles);
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState("user");
  const [error, setError] = useState<string | undefined>(undefined);
  const [ids] = useState(() => ({ user: fieldId("member-user"), role: fieldId("member-role") }));
  const change = async (run: () => Promise<TeamRow | unknown>) => {
    setError(undefined);
    try {
      await run();
      const info = await get<{ team_info: TeamRow }>("/team/info", { team_id: props.team.team_id });
      setMembers(info.team_info.members_with_roles);
      props.onChanged();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const add = (event: Event) => {
    event.preventDefault();
    if (userId.trim() === "") return;
    change(() =>
      post("/team/member_add", { team_id: props.team.team_id, member: { user_id: userId.trim(), role } }),
    ).then(() => setUserId(""));
  };
  return (
    <Modal title={`Members of ${props.team.team_alias ?? props.team.team_id}`} onClose={props.onClose}>
      {members.length === 0 ? (
        <p>No members yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.user_id}>
                <td>{member.user_id}</td>
                <td>{member.role}</td>
                <td>
                  <button
                    type="button"
                    class="outline danger"
                    onClick={() =>
                      change(() =>
                        post("/team/member_delete", { team_id: props.team.team_id, user_id: member.user_id }),
                      )
                    }
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={add}>
        <Row>
          <div>
            <TextField
              id={ids.user}
              label="User ID"
              value={userId}
              onInput={setUserId}
              placeholder="a new id creates the user"
            />
          </div>
          <div>
            <SelectField
              id={ids.role}
              label="Role"
              value={role}
              onChange={setRole}
              options={[
                { value: "user", label: "user" },
                { value: "admin", label: "admin" },
              ]}
            />
          </div>
        </Row>
        <ErrorText error={error} />
        <footer>
          <button type="button" class="secondary" onClick={props.onClose}>
            Close
          </button>
          <button type="submit">Add member</button>
        </footer>
      </form>
    </Modal>
  );
}

export function TeamsPage() {
  const teams = useLoad(() => get<TeamRow[]>("/team/list"), []);
  const [dialog, setDialog] = useState<Dialog | undefined>(undefined);
  const action = useAction();
  const close = () => {
    setDialog(undefined);
    action.setError(undefined);
  };
  const create = async (body: Record<string, unknown>) => {
    await post("/team/new", body);
    teams.reload();
    close();
  };
  const save = (team: TeamRow) => async (body: Record<string, unknown>) => {
    await post("/team/update", { team_id: team.team_id, ...body });
    teams.reload();
    close();
  };
  const remove = (team: TeamRow) =>
    action.run(async () => {
      await post("/team/delete", { team_ids: [team.team_id] });
      teams.reload();
      close();
    });
  const setBlocked = (team: TeamRow) =>
    action
      .run(() => post("/team/update", { team_id: team.team_id, blocked: !team.blocked }))
      .then(teams.reload);

  let dialogView = null;
  if (dialog?.kind === "create" || dialog?.kind === "edit") {
    const initial: TeamValues =
      dialog.kind === "create"
        ? { ...EMPTY_LIMITS, alias: "" }
        : { ...limitValuesOf(dialog.team), alias: dialog.team.team_alias ?? "" };
    dialogView = (
      <Modal
        title={
          dialog.kind === "create"
            ? "Create team"
            : `Edit team ${dialog.team.team_alias ?? dialog.team.team_id}`
        }
        onClose={close}
      >
        <TeamForm
          mode={dialog.kind}
          initial={initial}
          onSubmit={dialog.kind === "create" ? create : save(dialog.team)}
          onCancel={close}
        />
      </Modal>
    );
  } else if (dialog?.kind === "members") {
    dialogView = <Members team={dialog.team} onChanged={teams.reload} onClose={close} />;
  } else if (dialog?.kind === "delete") {
    dialogView = (
      <Confirm
        title="Delete team"
        message={`Delete the team ${dialog.team.team_alias ?? dialog.team.team_id}? Its keys are deleted with it.`}
        confirm="Delete"
        busy={action.busy}
        error={action.error}
        onConfirm={() => remove(dialog.team)}
        onCancel={close}
      />
    );
  }

  return (
    <Page title="Teams" dialog={dialogView}>
      <p>
        <button type="button" onClick={() => setDialog({ kind: "create" })}>
          Create team
        </button>
      </p>
      <ErrorText error={teams.error ?? (dialog === undefined ? action.error : undefined)} />
      <div class="overflow-auto">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Team ID</th>
              <th scope="col">Models</th>
              <th scope="col">Spend / budget</th>
              <th scope="col">RPM</th>
              <th scope="col">TPM</th>
              <th scope="col">Members</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody aria-busy={teams.loading}>
            {(teams.data ?? []).map((team) => (
              <tr key={team.team_id}>
                <td>{team.team_alias ?? "—"}</td>
                <td>
                  <code>{team.team_id}</code>
                </td>
                <td>{modelList(team.models)}</td>
                <td>
                  {spendOfBudget(team.spend, team.max_budget)}
                  {team.budget_duration === null ? null : <small> every {team.budget_duration}</small>}
                </td>
                <td>{limit(team.rpm_limit)}</td>
                <td>{limit(team.tpm_limit)}</td>
                <td>{team.members_with_roles.length}</td>
                <td>{dateTime(team.created_at)}</td>
                <td>{team.blocked ? <mark>Blocked</mark> : "Active"}</td>
                <td class="actions">
                  <button type="button" class="outline" onClick={() => setDialog({ kind: "edit", team })}>
                    Edit
                  </button>
                  <button type="button" class="outline" onClick={() => setDialog({ kind: "members", team })}>
                    Members
                  </button>
                  <button type="button" class="outline" onClick={() => setBlocked(team)}>
                    {team.blocked ? "Unblock" : "Block"}
                  </button>
                  <button
                    type="button"
                    class="outline danger"
                    onClick={() => setDialog({ kind: "delete", team })}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {teams.data !== undefined && teams.data.length === 0 ? <p>No teams yet.</p> : null}
      </div>
    </Page>
  );
}
