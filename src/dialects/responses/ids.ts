import { randomBytes } from "node:crypto";

/** Where a translation gets its ids and time: passed in, so golden tests are deterministic. */
export interface ResponseIdSource {
  /** A new id with this prefix (`resp`, `msg`, `fc`, `rs`): `<prefix>_<random hex>`. */
  newId(prefix: string): string;
  /** Unix seconds. */
  now(): number;
}

/** Random ids, OpenAI's shape (`resp_` + 48 hex digits), and the wall clock. */
export const randomIdSource: ResponseIdSource = {
  newId: (prefix) => `${prefix}_${randomBytes(24).toString("hex")}`,
  now: () => Math.floor(Date.now() / 1000),
};

/** Counting ids (`msg_1`, `fc_2`, ...) and a fixed clock, for tests. */
export function createCountingIdSource(now = 1_700_000_000): ResponseIdSource {
  let count = 0;
  return { newId: (prefix) => `${prefix}_${++count}`, now: () => now };
}
