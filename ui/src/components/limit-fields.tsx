import { useState } from "preact/hooks";
import type { LimitValues } from "../pages/limits-form";
import { fieldId, Row, TextField } from "./form";

/** Models, max budget, budget period, RPM and TPM limits: the fields keys, teams and users share. */
export function LimitFields<T extends LimitValues>(props: {
  values: T;
  onChange: (values: T) => void;
  modelHint: string;
}) {
  const [ids] = useState(() => ({
    models: fieldId("models"),
    budget: fieldId("budget"),
    period: fieldId("period"),
    rpm: fieldId("rpm"),
    tpm: fieldId("tpm"),
  }));
  const set = (name: keyof LimitValues) => (value: string) =>
    props.onChange({ ...props.values, [name]: value });
  return (
    <>
      <TextField
        id={ids.models}
        label="Models"
        value={props.values.models}
        onInput={set("models")}
        placeholder="all models"
        hint={props.modelHint}
      />
      <Row>
        <div>
          <TextField
            id={ids.budget}
            label="Max budget"
            type="number"
            step="any"
            value={props.values.maxBudget}
            onInput={set("maxBudget")}
            placeholder="no budget (USD)"
          />
        </div>
        <div>
          <TextField
            id={ids.period}
            label="Budget period"
            value={props.values.budgetPeriod}
            onInput={set("budgetPeriod")}
            placeholder="e.g. 30d (never resets)"
          />
        </div>
      </Row>
      <Row>
        <div>
          <TextField
            id={ids.rpm}
            label="RPM limit"
            type="number"
            value={props.values.rpm}
            onInput={set("rpm")}
            placeholder="no limit"
          />
        </div>
        <div>
          <TextField
            id={ids.tpm}
            label="TPM limit"
            type="number"
            value={props.values.tpm}
            onInput={set("tpm")}
            placeholder="no limit"
          />
        </div>
      </Row>
    </>
  );
}
