import type { ComponentChildren } from "preact";

let nextId = 0;
/** A unique element id per field, so that every label names its control (`for` / `id`). */
export function fieldId(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "number" | "password" | "date" | "email";
  placeholder?: string;
  hint?: string;
  required?: boolean;
  step?: string;
  autoComplete?: string;
}

/** A labelled input; its accessible name is exactly `label`. */
export function TextField(props: TextFieldProps) {
  const hintId = props.hint === undefined ? undefined : `${props.id}-hint`;
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        // Preact's types narrow the attributes by input type; every type used here takes them all.
        type={(props.type ?? "text") as "text"}
        value={props.value}
        placeholder={props.placeholder}
        required={props.required}
        step={props.step}
        min={props.type === "number" ? "0" : undefined}
        autoComplete={props.autoComplete ?? "off"}
        aria-describedby={hintId}
        onInput={(event) => props.onInput((event.currentTarget as HTMLInputElement).value)}
      />
      {props.hint === undefined ? null : <small id={hintId}>{props.hint}</small>}
    </>
  );
}

interface SelectFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
}

export function SelectField(props: SelectFieldProps) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(event) => props.onChange((event.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </>
  );
}

export function ErrorText(props: { error: string | undefined }) {
  if (props.error === undefined) return null;
  return (
    <p role="alert" class="error">
      {props.error}
    </p>
  );
}

/** Two fields side by side on wide screens. */
export function Row(props: { children: ComponentChildren }) {
  return <div class="grid">{props.children}</div>;
}

/** A dialog form's error and buttons: "Cancel", and "Create" (a new record) or "Save". */
export function FormFooter(props: {
  mode: "create" | "edit";
  busy: boolean;
  error: string | undefined;
  onCancel: () => void;
}) {
  return (
    <>
      <ErrorText error={props.error} />
      <footer>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" aria-busy={props.busy}>
          {props.mode === "create" ? "Create" : "Save"}
        </button>
      </footer>
    </>
  );
}
