/**
 * The offset at which a text stops being JSON (RFC 8259), or undefined when it is JSON or too deeply
 * nested to check. Runs only on a body JSON.parse refused, to say where it broke: V8 names no
 * position for an unexpected token on Node 20.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let index = 0;
  const fail = (): never => {
    throw new JsonBreak(index);
  };
  const skipSpace = () => {
    for (let code = text.charCodeAt(index); code === 32 || code === 9 || code === 10 || code === 13; )
      code = text.charCodeAt(++index);
  };
  const literal = (word: string) => {
    if (text.startsWith(word, index)) index += word.length;
    else {
      while (text[index] === word[0] && word.length > 0) {
        word = word.slice(1);
        index++;
      }
      fail();
    }
  };
  const string = () => {
    index++; // the opening quote
    for (;;) {
      const code = text.charCodeAt(index);
      if (Number.isNaN(code) || code < 32) fail();
      if (code === 34) {
        index++;
        return;
      }
      if (code === 92) {
        const escaped = text[index + 1] ?? "";
        if (escaped === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
            index += 2;
            fail();
          }
          index += 6;
        } else if ('"\\/bfnrt'.includes(escaped) && escaped !== "") index += 2;
        else {
          index++;
          fail();
        }
      } else index++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index, index + 400));
    if (match === null || match[0] === "" || match[0] === "-") fail();
    index += (match as RegExpExecArray)[0].length;
  };
  const value = (depth: number): void => {
    skipSpace();
    const character = text[index];
    if (character === "{") container(depth, "}", true);
    else if (character === "[") container(depth, "]", false);
    else if (character === '"') string();
    else if (character === "t") literal("true");
    else if (character === "f") literal("false");
    else if (character === "n") literal("null");
    else if (character === "-" || (character !== undefined && character >= "0" && character <= "9")) number();
    else fail();
  };
  const container = (depth: number, close: string, isObject: boolean): void => {
    if (depth > 2_000) throw new TooDeep();
    index++;
    skipSpace();
    if (text[index] === close) {
      index++;
      return;
    }
    for (;;) {
      if (isObject) {
        skipSpace();
        if (text[index] !== '"') fail();
        string();
        skipSpace();
        if (text[index] !== ":") fail();
        index++;
      }
      value(depth + 1);
      skipSpace();
      if (text[index] === ",") {
        index++;
        continue;
      }
      if (text[index] === close) {
        index++;
        return;
      }
      fail();
    }
  };
  try {
    value(0);
    skipSpace();
    if (index < text.length) fail();
    return undefined;
  } catch (error) {
    if (error instanceof JsonBreak) return error.offset;
    return undefined;
  }
}

class JsonBreak {
  constructor(readonly offset: number) {}
}

class TooDeep {}
