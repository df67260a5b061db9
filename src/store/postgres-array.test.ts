import { CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../test/fakes/test-databases.js";
import type { Database } from "./database.js";
import { toArrayLiteral } from "./postgres-array.js";

describe("toArrayLiteral", () => {
  it("quotes every element, escapes quotes and backslashes, and writes null as NULL", () => {
    expect(toArrayLiteral(["a", 'say "hi"', "C:\\dir", null, undefined, ""])).toBe(
      '{"a","say \\"hi\\"","C:\\\\dir",NULL,NULL,""}',
    );
    expect(toArrayLiteral([1, 0.25, -3, Number.NaN])).toBe('{"1","0.25","-3","NaN"}');
    expect(toArrayLiteral([])).toBe("{}");
  });
});

describe("toArrayLiteral on PostgreSQL", () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase("postgres");
  });

  afterAll(async () => {
    await database.close();
  });

  async function roundTrip(type: string, literal: string): Promise<unknown> {
    const result = await database.db.executeQuery<{ value: unknown }>(
      CompiledQuery.raw(`select $1::${type} as value`, [literal]),
    );
    return result.rows[0]?.value;
  }

  it("reads back exactly the strings written, whatever they contain", async () => {
    const texts = ['{"a":"b\\\\c"}', "NULL", "", " padded ", "a,b", "{braces}", "ünïcødé ✓", null, "\\", '"'];
    expect(await roundTrip("text[]", toArrayLiteral(texts))).toEqual(texts);
  });

  it("reads back the same numbers, null included", async () => {
    const spends = [0.1, 1e-7, 123456.789, 0, null, 0.1 + 0.2];
    expect(await roundTrip("double precision[]", toArrayLiteral(spends))).toEqual(spends);
    expect(await roundTrip("integer[]", toArrayLiteral([1, null, -5]))).toEqual([1, null, -5]);
  });
});
