import { useMemo, useState } from "preact/hooks";
import { get, type ReportDay, type ReportEntry } from "../api";
import { SpendChart } from "../components/chart";
import { ErrorText, fieldId, Row, TextField } from "../components/form";
import { useLoad } from "../components/load";
import { Page } from "../components/modal";
import { count, isoDay, money, shortHash } from "../format";
import { daysBetween, grandTotal, spendPerDay, totalsByGroup, type UsageRow } from "./usage-data";

function UsageTable(props: { caption: string; heading: string; rows: UsageRow[] }) {
  return (
    <div class="overflow-auto">
      <table class="striped">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.heading}</th>
            <th scope="col">Spend</th>
            <th scope="col">Requests</th>
            <th scope="col">Prompt tokens</th>
            <th scope="col">Completion tokens</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={row.name}>
              <td>{row.name}</td>
              <td>{money(row.spend)}</td>
              <td>{count(row.requests)}</td>
              <td>{count(row.promptTokens)}</td>
              <td>{count(row.completionTokens)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.rows.length === 0 ? <p>No spend in this range.</p> : null}
    </div>
  );
}

const text = (value: string | number | null | undefined) =>
  value === null || value === undefined ? "" : String(value);

const keyName = (entry: ReportEntry) =>
  text(entry.key_alias) || (entry.api_key === null ? "no key" : shortHash(text(entry.api_key)));
const teamName = (entry: ReportEntry) => text(entry.team_name) || text(entry.team_id) || "no team";
const modelName = (entry: ReportEntry) => text(entry.model) || "unknown";

export function UsagePage() {
  const [start, setStart] = useState(() => isoDay(new Date(), 29));
  const [end, setEnd] = useState(() => isoDay(new Date()));
  const [ids] = useState(() => ({ start: fieldId("start"), end: fieldId("end") }));
  const range = { start_date: start, end_date: end };
  const report = useLoad(async () => {
    const [models, keys, teams] = await Promise.all(
      ["model", "key", "team"].map((group_by) =>
        get<ReportDay[]>("/global/spend/report", { ...range, group_by }),
      ),
    );
    return { models: models ?? [], keys: keys ?? [], teams: teams ?? [] };
  }, [start, end]);
  const days = useMemo(() => daysBetween(start, end), [start, end]);
  const perDay = useMemo(() => spendPerDay(report.data?.models ?? [], days), [report.data, days]);
  const byModel = totalsByGroup(report.data?.models ?? [], modelName);
  const total = grandTotal(byModel);
  return (
    <Page title="Usage" dialog={null}>
      <Row>
        <div>
          <TextField
            id={ids.start}
            label="From"
            type="date"
            value={start}
            onInput={(value) => value !== "" && setStart(value)}
          />
        </div>
        <div>
          <TextField
            id={ids.end}
            label="To"
            type="date"
            value={end}
            onInput={(value) => value !== "" && setEnd(value)}
          />
        </div>
      </Row>
      <ErrorText error={report.error} />
      <p aria-busy={report.loading} aria-live="polite">
        <strong>{money(total.spend)}</strong> spent on <strong>{count(total.requests)}</strong> requests (
        {count(total.promptTokens)} prompt and {count(total.completionTokens)} completion tokens), {start} to{" "}
        {end} (UTC).
      </p>
      <figure aria-label="Spend per day">
        <SpendChart days={days} spend={perDay} />
        <figcaption>Spend per day (USD, UTC days)</figcaption>
      </figure>
      <UsageTable caption="Spend by model" heading="Model" rows={byModel} />
      <UsageTable
        caption="Spend by key"
        heading="Key"
        rows={totalsByGroup(report.data?.keys ?? [], keyName)}
      />
      <UsageTable
        caption="Spend by team"
        heading="Team"
        rows={totalsByGroup(report.data?.teams ?? [], teamName)}
      />
    </Page>
  );
}
