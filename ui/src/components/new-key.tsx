import { useState } from "preact/hooks";
import { Modal } from "./modal";

/** Shows a key once, right after it was made, with a button that copies it. */
export function NewKey(props: { title: string; apiKey: string; onClose: () => void }) {
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.apiKey);
      setCopied("Copied to the clipboard.");
    } catch {
      const field = document.getElementById("new-key-field") as HTMLInputElement | null;
      field?.select();
      setCopied(document.execCommand("copy") ? "Copied to the clipboard." : "Select the key and copy it.");
    }
  };
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <p>Copy the key now: llmgate keeps only its hash and cannot show it again.</p>
      <p>
        <code class="new-key" data-testid="new-key">
          {props.apiKey}
        </code>
      </p>
      <label for="new-key-field">New key</label>
      <input
        id="new-key-field"
        type="text"
        readOnly
        value={props.apiKey}
        onFocus={(event) => event.currentTarget.select()}
      />
      <p aria-live="polite">{copied ?? ""}</p>
      <footer>
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button type="button" class="secondary" onClick={props.onClose}>
          Done
        </button>
      </footer>
    </Modal>
  );
}
