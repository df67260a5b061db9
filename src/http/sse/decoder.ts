/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field, when the event named one. */
  event: string | undefined;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last event ID seen in the stream so far (it carries over between events, as in the WHATWG rules). */
  id: string | undefined;
}

const LINE_FEED = "\n";
const CARRIAGE_RETURN = "\r";
const BYTE_ORDER_MARK = "\uFEFF";
const NOT_FOUND = -1;

/**
 * Decodes a `text/event-stream` body chunk by chunk, following the WHATWG event-stream rules:
 * `\r\n`, `\n` and `\r` line ends (also when split across chunks), UTF-8 characters split across
 * chunks, comments, one optional space after the colon, multi-line data, a leading BOM.
 *
 * Each pushed chunk is scanned once; only the unfinished last line is kept between chunks.
 */
export class SseDecoder {
  readonly #textDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
  /** Pieces of the line that has no line end yet, joined only once its end arrives. */
  #pendingLine: string[] = [];
  /** The previous chunk ended in `\r`: a `\n` at the start of the next one belongs to that line end. */
  #isAfterCarriageReturn = false;
  #isAtStreamStart = true;
  #eventType: string | undefined = undefined;
  #dataLines: string[] = [];
  #lastEventId: string | undefined = undefined;

  /** Feeds one chunk of the body; returns the events it completed. */
  push(bytes: Uint8Array | string): SseEvent[] {
    const text = typeof bytes === "string" ? bytes : this.#textDecoder.decode(bytes, { stream: true });
    const events: SseEvent[] = [];
    this.#scan(text, events);
    return events;
  }

  /** Ends the input: a last line without a line end, and an event without its closing blank line, still count. */
  flush(): SseEvent[] {
    const events: SseEvent[] = [];
    this.#scan(this.#textDecoder.decode(), events);
    if (this.#pendingLine.length > 0) {
      const line = this.#pendingLine.join("");
      this.#pendingLine = [];
      this.#processLine(line, events);
    }
    this.#dispatch(events);
    this.#isAfterCarriageReturn = false;
    this.#isAtStreamStart = true;
    return events;
  }

  #scan(chunk: string, events: SseEvent[]): void {
    let text = chunk;
    if (text.length === 0) return;
    if (this.#isAtStreamStart) {
      this.#isAtStreamStart = false;
      if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
    }
    let position = 0;
    if (this.#isAfterCarriageReturn && text.startsWith(LINE_FEED)) position = 1;
    this.#isAfterCarriageReturn = false;

    let nextLineFeed = text.indexOf(LINE_FEED, position);
    let nextCarriageReturn = text.indexOf(CARRIAGE_RETURN, position);
    while (nextLineFeed !== NOT_FOUND || nextCarriageReturn !== NOT_FOUND) {
      const isCarriageReturnFirst =
        nextCarriageReturn !== NOT_FOUND && (nextLineFeed === NOT_FOUND || nextCarriageReturn < nextLineFeed);
      const lineEnd = isCarriageReturnFirst ? nextCarriageReturn : nextLineFeed;
      this.#processLine(this.#takeLine(text, position, lineEnd), events);
      position = lineEnd + 1;
      if (isCarriageReturnFirst) {
        if (position === text.length) this.#isAfterCarriageReturn = true;
        else if (text.charCodeAt(position) === 10) position += 1;
      }
      // Search again only for a kind of line end the cursor has moved past.
      if (nextLineFeed !== NOT_FOUND && nextLineFeed < position)
        nextLineFeed = text.indexOf(LINE_FEED, position);
      if (nextCarriageReturn !== NOT_FOUND && nextCarriageReturn < position) {
        nextCarriageReturn = text.indexOf(CARRIAGE_RETURN, position);
      }
    }
    if (position < text.length) this.#pendingLine.push(position === 0 ? text : text.slice(position));
  }

  #takeLine(text: string, start: number, end: number): string {
    const piece = text.slice(start, end);
    if (this.#pendingLine.length === 0) return piece;
    this.#pendingLine.push(piece);
    const line = this.#pendingLine.join("");
    this.#pendingLine = [];
    return line;
  }

  #processLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.#dispatch(events);
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) return; // a comment
    const field = colon === NOT_FOUND ? line : line.slice(0, colon);
    let valueStart = colon === NOT_FOUND ? line.length : colon + 1;
    if (line.charCodeAt(valueStart) === 32) valueStart += 1;
    const value = line.slice(valueStart);
    switch (field) {
      case "data":
        this.#dataLines.push(value);
        break;
      case "event":
        this.#eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) this.#lastEventId = value;
        break;
      default:
        // `retry` and unknown fields are ignored.
        break;
    }
  }

  #dispatch(events: SseEvent[]): void {
    if (this.#dataLines.length > 0) {
      const data =
        this.#dataLines.length === 1 ? (this.#dataLines[0] ?? "") : this.#dataLines.join(LINE_FEED);
      events.push({ event: this.#eventType, data, id: this.#lastEventId });
      this.#dataLines = [];
    }
    this.#eventType = undefined;
  }
}
