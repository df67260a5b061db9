import type { EventDecoder, StreamEvent } from "../event-decoder.js";

/**
 * Decodes newline-delimited JSON (Ollama's streams): one event per non-blank line, `\n` or `\r\n`
 * line ends, lines and UTF-8 characters split across chunks.
 */
export class NdjsonDecoder implements EventDecoder {
  readonly #textDecoder = new TextDecoder("utf-8");
  #pending = "";

  push(bytes: Uint8Array | string): StreamEvent[] {
    const text = typeof bytes === "string" ? bytes : this.#textDecoder.decode(bytes, { stream: true });
    const events: StreamEvent[] = [];
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      const line = start === 0 ? this.#pending + text.slice(0, end) : text.slice(start, end);
      if (start === 0) this.#pending = "";
      addLine(line, events);
      start = end + 1;
    }
    this.#pending += text.slice(start);
    return events;
  }

  flush(): StreamEvent[] {
    const events: StreamEvent[] = [];
    addLine(this.#pending + this.#textDecoder.decode(), events);
    this.#pending = "";
    return events;
  }
}

function addLine(line: string, events: StreamEvent[]): void {
  const trimmed = line.trim();
  if (trimmed !== "") events.push({ event: undefined, data: trimmed });
}
