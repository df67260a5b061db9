/**
 * Some top-level fields of a JSON object, parsed, with the rest skipped over unparsed. The proxy
 * needs only `id` and `usage` of a response it relays as it came: JSON.parse of an embeddings
 * response (1,536 numbers) costs ~80us, skipping them ~1us.
 *
 * `valueText` gives the text of a value to parse: the default slices `text`; a caller scanning a
 * Latin-1 view of UTF-8 bytes decodes them instead. Returns undefined when the text is not one
 * JSON object. Skipped values are checked for their structure only (strings closed, brackets
 * balanced), not for their content.
 */
export function topLevelFields(
  text: string,
  names: ReadonlySet<string>,
  valueText: (start: number, end: number) => string = (start, end) => text.slice(start, end),
): Record<string, unknown> | undefined {
  const fields: Record<string, unknown> = {};
  const next: NextOpeners = [0, 0, 0];
  let index = skipSpace(text, 0);
  if (text.charCodeAt(index) !== OPEN_BRACE) return undefined;
  index = skipSpace(text, index + 1);
  if (text.charCodeAt(index) === CLOSE_BRACE)
    return skipSpace(text, index + 1) === text.length ? fields : undefined;
  for (;;) {
    if (text.charCodeAt(index) !== QUOTE) return undefined;
    const nameEnd = stringEnd(text, index);
    if (nameEnd < 0) return undefined;
    const name = parsedString(text, index, nameEnd);
    index = skipSpace(text, nameEnd);
    if (text.charCodeAt(index) !== COLON) return undefined;
    const valueStart = skipSpace(text, index + 1);
    const valueEnd = valueEndAt(text, valueStart, next);
    if (valueEnd < 0) return undefined;
    if (name !== undefined && names.has(name)) {
      try {
        fields[name] = JSON.parse(valueText(valueStart, valueEnd));
      } catch {
        return undefined;
      }
    }
    index = skipSpace(text, valueEnd);
    const separator = text.charCodeAt(index);
    if (separator === CLOSE_BRACE) return skipSpace(text, index + 1) === text.length ? fields : undefined;
    if (separator !== COMMA) return undefined;
    index = skipSpace(text, index + 1);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function skipSpace(text: string, index: number): number {
  let at = index;
  for (;;) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return at;
    at++;
  }
}

/** The index just past the string starting at `start` (a quote), or -1 when it never closes. */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** A key's text: as is without escapes (nearly always), else through JSON.parse. */
function parsedString(text: string, start: number, end: number): string | undefined {
  const inner = text.slice(start + 1, end - 1);
  if (!inner.includes("\\")) return inner;
  try {
    return JSON.parse(text.slice(start, end)) as string;
  } catch {
    return undefined;
  }
}

/** Characters that matter inside an array or object being skipped. */
const STRUCTURE = /["[\]{}]/g;
/** Where a number, true, false or null ends. */
const SCALAR_END = /[,\]}\s]/g;

/** The index just past the value starting at `start`, or -1 when it is not well formed. */
function valueEndAt(text: string, start: number, next: NextOpeners): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) return containerEnd(text, start, next);
  if (Number.isNaN(first)) return -1;
  SCALAR_END.lastIndex = start;
  const end = SCALAR_END.exec(text);
  const at = end === null ? text.length : end.index;
  return at === start ? -1 : at;
}

/** Skips an array or object by its brackets and strings, checking that each closes what it opened. */
function containerEnd(text: string, start: number, next: NextOpeners): number {
  const closers: number[] = [];
  let at = start;
  for (;;) {
    STRUCTURE.lastIndex = at;
    const found = STRUCTURE.exec(text);
    if (found === null) return -1;
    const index = found.index;
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      at = stringEnd(text, index);
      if (at < 0) return -1;
      continue;
    }
    if (code === OPEN_BRACKET) {
      const flatEnd = flatArrayEnd(text, index, next);
      if (flatEnd >= 0) {
        if (closers.length === 0) return flatEnd;
        at = flatEnd;
        continue;
      }
    }
    if (code === OPEN_BRACE) closers.push(CLOSE_BRACE);
    else if (code === OPEN_BRACKET) closers.push(CLOSE_BRACKET);
    else if (closers.pop() !== code) return -1;
    if (closers.length === 0) return index + 1;
    at = index + 1;
  }
}

/** Where the next `"`, `[` and `{` are: each found once and reused while ahead of the scan, so
 * skipping stays linear however many arrays a text holds. */
type NextOpeners = [number, number, number];
const OPENERS = ['"', "[", "{"] as const;

/**
 * The index just past an array of scalars only (an embedding), found with indexOf, which is far
 * faster than a regular expression over its numbers; -1 when the array holds strings, arrays or objects.
 */
function flatArrayEnd(text: string, start: number, next: NextOpeners): number {
  const close = text.indexOf("]", start + 1);
  if (close < 0) return -1;
  for (let kind = 0; kind < 3; kind++) {
    let found = next[kind] as number;
    if (found !== -1 && found <= start) {
      found = text.indexOf(OPENERS[kind] as string, start + 1);
      next[kind] = found;
    }
    if (found >= 0 && found < close) return -1;
  }
  return close + 1;
}
