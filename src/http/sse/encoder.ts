/** The stream's last event in OpenAI's format. */
export const SSE_DONE = "data: [DONE]\n\n";

/** One event whose data is a single line of JSON (`JSON.stringify` never emits a raw line end). */
export function encodeSseData(json: string): string {
  return `data: ${json}\n\n`;
}

/**
 * One event with any data: each line of `data` (split at `\r\n`, `\n` or `\r`) becomes its own
 * `data:` line, so a decoder joins them back into the same text.
 */
export function encodeSseEvent(data: string, event?: string): string {
  let encoded = "";
  if (event !== undefined) {
    if (hasLineEnd(event)) throw new TypeError("An SSE event name cannot contain a line end");
    encoded = `event: ${event}\n`;
  }
  let lineStart = 0;
  for (let index = 0; index < data.length; index += 1) {
    const code = data.charCodeAt(index);
    if (code !== 10 && code !== 13) continue;
    encoded += `data: ${data.slice(lineStart, index)}\n`;
    if (code === 13 && data.charCodeAt(index + 1) === 10) index += 1;
    lineStart = index + 1;
  }
  return `${encoded}data: ${data.slice(lineStart)}\n\n`;
}

function hasLineEnd(text: string): boolean {
  return text.includes("\n") || text.includes("\r");
}
