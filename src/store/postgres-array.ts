/**
 * PostgreSQL array literals (`{"a","b",NULL}`) for `$n::text[]`-style parameters. pg encodes a
 * JavaScript array the same way but makes several intermediate strings per element, which costs
 * more than everything else a spend batch does in JavaScript.
 */

/** Quotes one element, escaping `\` and `"` (the only characters special inside quotes). */
function quote(text: string): string {
  const isPlain = !text.includes('"') && !text.includes("\\");
  return `"${isPlain ? text : text.replace(/["\\]/g, "\\$&")}"`;
}

/**
 * Every element is quoted, so empty strings, spaces, commas, braces and the word NULL stay data;
 * null and undefined become NULL. Numbers are written as JavaScript prints them (`NaN` and
 * `Infinity` included), as pg would send them.
 */
export function toArrayLiteral(values: ReadonlyArray<string | number | null | undefined>): string {
  let literal = "{";
  let separator = "";
  for (const value of values) {
    literal += separator;
    literal += value === null || value === undefined ? "NULL" : quote(String(value));
    separator = ",";
  }
  return `${literal}}`;
}
