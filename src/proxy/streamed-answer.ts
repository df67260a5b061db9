import { chatCompletionOfChunks, textCompletionOfChunks } from "../cache/index.js";
import { RAW_JSON } from "../sdk/types.js";

/** A longer stream is not kept: its callbacks get `response: null`. */
const MAX_KEPT_CHARACTERS = 1024 * 1024;

/**
 * A stream's chunks, kept only when a callback will send its answer: `tap` holds each chunk's JSON
 * as relayed (no parse, no copy); `answer` merges them into one completion, off the request path.
 */
export class StreamedAnswer {
  readonly #parts: unknown[] = [];
  #characters = 0;
  #isTooLarge = false;

  constructor(private readonly operation: "chat" | "completions") {}

  readonly tap = (chunk: unknown): void => {
    if (this.#isTooLarge) return;
    const raw = (chunk as { [RAW_JSON]?: string })[RAW_JSON];
    this.#parts.push(raw ?? chunk);
    this.#characters += raw?.length ?? 256;
    if (this.#characters > MAX_KEPT_CHARACTERS) {
      this.#isTooLarge = true;
      this.#parts.length = 0;
    }
  };

  /** The stream as one chat or text completion; undefined when it was too long or had no chunk. */
  answer(): unknown {
    if (this.#isTooLarge) return undefined;
    const chunks = this.#parts.map((part) => (typeof part === "string" ? JSON.parse(part) : part));
    return this.operation === "completions" ? textCompletionOfChunks(chunks) : chatCompletionOfChunks(chunks);
  }
}

/** Both taps, or the one there is. */
export function bothTaps(
  first: ((chunk: unknown) => void) | undefined,
  second: ((chunk: unknown) => void) | undefined,
): ((chunk: unknown) => void) | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return (chunk) => {
    first(chunk);
    second(chunk);
  };
}
