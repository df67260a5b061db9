import { Fragment } from "preact";
import { useState } from "preact/hooks";
import { get, type KeyRow, listAllKeys, type SpendLog } from "../api";
import { ErrorText, fieldId, SelectField, TextField } from "../components/form";
import { useLoad } from "../components/load";
import { Modal, Page } from "../components/modal";
import { count, dateTime, milliseconds, money, shortHash } from "../format";

const PAGE_SIZE = 50;

interface Filters {
  key: string;
  model: string;
  status: string;
  start: string;
  end: string;
}

function LogDetail(props: { log: SpendLog; keyAlias: string; onClose: () => void }) {
  const { log } = props;
  const fields: [string, string][] = [
    ["Request ID", log.request_id],
    ["Start", dateTime(log.startTime)],
    ["End", dateTime(log.endTime)],
    ["Latency", milliseconds(log.request_duration_ms)],
    ["Call type", log.call_type],
    ["Key", props.keyAlias],
    ["Model group", log.model_group ?? "—"],
    ["Upstream model", log.model ?? "—"],
    ["Deployment", log.model_id ?? "—"],
    ["User", log.user ?? "—"],
    ["Team", log.team_id ?? "—"],
    ["Status", log.status],
    ["Error code", log.error_code ?? "—"],
    ["Prompt tokens", count(log.prompt_tokens)],
    ["Completion tokens", count(log.completion_tokens)],
    ["Total tokens", count(log.total_tokens)],
    ["Cost", money(log.spend)],
    ["Cache hit", log.cache_hit ? "yes" : "no"],
  ];
  return (
    <Modal title="Request" onClose={props.onClose}>
      <dl class="detail">
        {fields.map(([name, value]) => (
          <Fragment key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
      <h4>Metadata</h4>
      <pre>{JSON.stringify(log.metadata, null, 2)}</pre>
      <footer>
        <button type="button" class="secondary" onClick={props.onClose}>
          Close
        </button>
      </footer>
    </Modal>
  );
}

export function LogsPage() {
  const [filters, setFilters] = useState<Filters>({ key: "", model: "", status: "", start: "", end: "" });
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<SpendLog | undefined>(undefined);
  const [ids] = useState(() => ({
    key: fieldId("log-key"),
    model: fieldId("log-model"),
    status: fieldId("log-status"),
    start: fieldId("log-start"),
    end: fieldId("log-end"),
  }));
  const keys = useLoad(listAllKeys, []);
  const models = useLoad(() => get<{ data: { model_group: string }[] }>("/model_group/info"), []);
  const logs = useLoad(
    () =>
      get<SpendLog[]>("/spend/logs", {
        api_key: filters.key,
        model: filters.model,
        status: filters.status,
        start_date: filters.start,
        end_date: filters.end,
        limit: PAGE_SIZE,
        offset,
      }),
    [filters, offset],
  );
  const change = (name: keyof Filters) => (value: string) => {
    setFilters({ ...filters, [name]: value });
    setOffset(0);
  };
  const aliasOf = (hash: string | null) => {
    if (hash === null) return "—";
    const key = (keys.data ?? []).find((candidate: KeyRow) => candidate.token === hash);
    return key?.key_alias ?? shortHash(hash);
  };
  const rows = logs.data ?? [];
  return (
    <Page
      title="Logs"
      dialog={
        selected === undefined ? null : (
          <LogDetail
            log={selected}
            keyAlias={aliasOf(selected.api_key)}
            onClose={() => setSelected(undefined)}
          />
        )
      }
    >
      <div class="grid filters">
        <div>
          <SelectField
            id={ids.key}
            label="Key"
            value={filters.key}
            onChange={change("key")}
            options={[
              { value: "", label: "Every key" },
              ...(keys.data ?? []).map((key) => ({
                value: key.token,
                label: key.key_alias ?? shortHash(key.token),
              })),
            ]}
          />
        </div>
        <div>
          <SelectField
            id={ids.model}
            label="Model"
            value={filters.model}
            onChange={change("model")}
            options={[
              { value: "", label: "Every model" },
              ...(models.data?.data ?? []).map((group) => ({
                value: group.model_group,
                label: group.model_group,
              })),
            ]}
          />
        </div>
        <div>
          <SelectField
            id={ids.status}
            label="Status"
            value={filters.status}
            onChange={change("status")}
            options={[
              { value: "", label: "Any status" },
              { value: "success", label: "success" },
              { value: "failure", label: "failure" },
            ]}
          />
        </div>
        <div>
          <TextField
            id={ids.start}
            label="From"
            type="date"
            value={filters.start}
            onInput={change("start")}
          />
        </div>
        <div>
          <TextField id={ids.end} label="To" type="date" value={filters.end} onInput={change("end")} />
        </div>
      </div>
      <p>
        <button type="button" class="secondary" onClick={logs.reload}>
          Refresh
        </button>
      </p>
      <ErrorText error={logs.error} />
      <div class="overflow-auto">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Key alias</th>
              <th scope="col">Model</th>
              <th scope="col">Status</th>
              <th scope="col">Tokens</th>
              <th scope="col">Cost</th>
              <th scope="col">Latency</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody aria-busy={logs.loading}>
            {rows.map((log) => (
              <tr key={log.request_id}>
                <td>{dateTime(log.startTime)}</td>
                <td>{aliasOf(log.api_key)}</td>
                <td>{log.model_group ?? log.model ?? "—"}</td>
                <td>
                  {log.status === "success" ? (
                    "success"
                  ) : (
                    <mark>{`failure${log.error_code === null ? "" : ` ${log.error_code}`}`}</mark>
                  )}
                </td>
                <td>{count(log.total_tokens)}</td>
                <td>{money(log.spend)}</td>
                <td>{milliseconds(log.request_duration_ms)}</td>
                <td>
                  <button type="button" class="outline" onClick={() => setSelected(log)}>
                    Details
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {logs.data !== undefined && rows.length === 0 ? <p>No requests match.</p> : null}
      </div>
      <nav aria-label="Pages">
        <ul>
          <li>
            <button
              type="button"
              class="secondary"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
            >
              Newer
            </button>
          </li>
          <li>
            <button
              type="button"
              class="secondary"
              disabled={rows.length < PAGE_SIZE}
              onClick={() => setOffset(offset + PAGE_SIZE)}
            >
              Older
            </button>
          </li>
        </ul>
      </nav>
    </Page>
  );
}
