import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

let nextTitle = 0;

/**
 * A modal dialog (Pico's `<dialog><article>`). While one is open the page behind it is hidden from
 * assistive technology (see `Page`), so its controls are the only ones a screen reader meets.
 * Escape closes it.
 */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const [titleId] = useState(() => {
    nextTitle += 1;
    return `dialog-title-${nextTitle}`;
  });
  const dialog = useRef<HTMLDialogElement>(null);
  // Focus moves into the dialog, to its first field (or button).
  useEffect(() => {
    dialog.current?.querySelector<HTMLElement>("input:not([readonly]), select, textarea, button")?.focus();
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") props.onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [props.onClose]);
  return (
    <dialog ref={dialog} open aria-modal="true" aria-labelledby={titleId}>
      <article>
        <header>
          <h3 id={titleId}>{props.title}</h3>
        </header>
        {props.children}
      </article>
    </dialog>
  );
}

/** "Are you sure?" with a confirming button named `confirm` and "Cancel". */
export function Confirm(props: {
  title: string;
  message: string;
  confirm: string;
  busy?: boolean;
  error?: string | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={props.title} onClose={props.onCancel}>
      <p>{props.message}</p>
      {props.error === undefined ? null : (
        <p role="alert" class="error">
          {props.error}
        </p>
      )}
      <footer>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" class="danger" aria-busy={props.busy === true} onClick={props.onConfirm}>
          {props.confirm}
        </button>
      </footer>
    </Modal>
  );
}

/** A page whose content is hidden from assistive technology while one of its dialogs is open. */
export function Page(props: { title: string; dialog: ComponentChildren; children: ComponentChildren }) {
  const hasDialog = props.dialog !== null && props.dialog !== undefined && props.dialog !== false;
  return (
    <>
      <section aria-hidden={hasDialog ? "true" : undefined} aria-labelledby="page-title">
        <h2 id="page-title">{props.title}</h2>
        {props.children}
      </section>
      {hasDialog ? props.dialog : null}
    </>
  );
}
