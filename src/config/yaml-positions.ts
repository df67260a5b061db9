import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";
import type { ConfigPath } from "./config-path.js";
import type { SourcePosition } from "./errors.js";

/** Finds where a config path sits in the YAML source. */
export interface PositionLocator {
  /** The position of the key of the last path segment (the value for list items). */
  keyPosition(path: ConfigPath): SourcePosition | undefined;
  /** The position of the value at the path; the closest existing ancestor when it is absent. */
  valuePosition(path: ConfigPath): SourcePosition | undefined;
}

interface Step {
  key: Node | undefined;
  value: Node | undefined;
}

function childStep(node: unknown, segment: string | number): Step | undefined {
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    return item === undefined ? undefined : { key: undefined, value: asNode(item) };
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) {
        continue;
      }
      const keyValue = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(keyValue) === String(segment)) {
        return { key: asNode(pair.key), value: asNode(pair.value) };
      }
    }
  }
  return undefined;
}

function asNode(value: unknown): Node | undefined {
  if (typeof value === "object" && value !== null && "range" in value) {
    return value as Node;
  }
  return undefined;
}

export function createPositionLocator(root: Node | null, lineCounter: LineCounter): PositionLocator {
  const toPosition = (node: Node | undefined): SourcePosition | undefined => {
    const offset = node?.range?.[0];
    if (offset === undefined) {
      return undefined;
    }
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  /** Walks the path; returns the last step found and whether the whole path exists. */
  const walk = (path: ConfigPath): { last: Step | undefined; isComplete: boolean } => {
    let node: Node | undefined = root ?? undefined;
    let last: Step | undefined = root === null ? undefined : { key: undefined, value: root };
    for (const segment of path) {
      const step = childStep(node, segment);
      if (step === undefined) {
        return { last, isComplete: false };
      }
      last = step;
      node = step.value;
    }
    return { last, isComplete: true };
  };

  return {
    keyPosition(path) {
      const { last } = walk(path);
      return toPosition(last?.key) ?? toPosition(last?.value);
    },
    valuePosition(path) {
      const { last, isComplete } = walk(path);
      if (!isComplete) {
        return toPosition(last?.key) ?? toPosition(last?.value);
      }
      const isEmptyValue = isScalar(last?.value) && last?.value.value === null;
      return (isEmptyValue ? undefined : toPosition(last?.value)) ?? toPosition(last?.key);
    },
  };
}
