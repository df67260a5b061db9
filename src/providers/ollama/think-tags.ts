const OPEN = "<think>";
const CLOSE = "</think>";

/** How many last characters of `text` could be the start of `tag` (so must wait for the next piece). */
function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(tag.slice(0, length))) return length;
  }
  return 0;
}

export interface SplitPiece {
  content: string;
  reasoning: string;
}

/**
 * Streamed content -> content and reasoning, for models that write their reasoning inline first
 * (`<think>...</think>`, as older Ollama servers send deepseek-r1's), the way LiteLLM splits it.
 * Tags may be cut across pieces: a piece that could be the start of one is held back until the
 * next. Content that does not open with `<think>` passes as it comes.
 */
export function createThinkTagSplitter(): { push(text: string): SplitPiece; flush(): SplitPiece } {
  let state: "undecided" | "thinking" | "after-thinking" | "content" = "undecided";
  let buffer = "";
  return {
    push(text) {
      buffer += text;
      let reasoning = "";
      if (state === "undecided") {
        const trimmed = buffer.trimStart();
        if (trimmed.startsWith(OPEN)) {
          state = "thinking";
          buffer = trimmed.slice(OPEN.length);
        } else if (OPEN.startsWith(trimmed)) {
          return { content: "", reasoning: "" };
        } else {
          state = "content";
        }
      }
      if (state === "thinking") {
        const end = buffer.indexOf(CLOSE);
        if (end === -1) {
          const held = partialTagLength(buffer, CLOSE);
          reasoning = buffer.slice(0, buffer.length - held);
          buffer = buffer.slice(buffer.length - held);
          return { content: "", reasoning };
        }
        reasoning = buffer.slice(0, end);
        buffer = buffer.slice(end + CLOSE.length);
        state = "after-thinking";
      }
      if (state === "after-thinking") {
        buffer = buffer.trimStart();
        if (buffer === "") return { content: "", reasoning };
        state = "content";
      }
      const content = buffer;
      buffer = "";
      return { content, reasoning };
    },
    flush() {
      const rest = buffer;
      buffer = "";
      return state === "thinking" ? { content: "", reasoning: rest } : { content: rest, reasoning: "" };
    },
  };
}
