// Several processes opening one database at once: `--num_workers`, or proxies started together on
// one PostgreSQL. Each child opens the store from dist/, as the llmgate command does.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import { createTestPostgresSchema } from "../fakes/test-databases.js";

const databaseModule = new URL("../../dist/store/database.js", import.meta.url).href;

const childScript = `
const { openDatabase } = await import(${JSON.stringify(databaseModule)});
const database = await openDatabase(process.argv[1], { configDir: process.cwd() });
await database.close();
`;

interface ChildResult {
  code: number | null;
  stderr: string;
}

function openInChild(url: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", childScript, url], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** Opens `url` from `count` processes at once, `rounds` times; returns the failures. */
async function openConcurrently(
  urlOfRound: (round: number) => Promise<string>,
  count: number,
  rounds: number,
) {
  const failures: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const url = await urlOfRound(round);
    const results = await Promise.all(Array.from({ length: count }, () => openInChild(url)));
    for (const result of results) if (result.code !== 0) failures.push(result.stderr);
  }
  return failures;
}

async function appliedMigrations(url: string): Promise<string[]> {
  const database = await openDatabase(url, { configDir: ".", migrate: false });
  try {
    const rows = await database.db
      .selectFrom("llmgate_migration" as never)
      .select("name" as never)
      .execute();
    return rows.map((row) => (row as { name: string }).name);
  } finally {
    await database.close();
  }
}

describe("a database opened by several processes at once", () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "llmgate-processes-"));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("SQLite file: every process starts, and each migration is applied once", async () => {
    const urls: string[] = [];
    const failures = await openConcurrently(
      async (round) => {
        urls.push(`sqlite:${join(directory, `round-${round}.db`)}`);
        return urls[round] as string;
      },
      6,
      3,
    );
    expect(failures).toEqual([]);
    for (const url of urls)
      expect(await appliedMigrations(url)).toEqual(["0001_initial", "0002_responses", "0003_cache_hit"]);
  });

  it("PostgreSQL schema: every process starts, and each migration is applied once", async () => {
    const schemas: Awaited<ReturnType<typeof createTestPostgresSchema>>[] = [];
    try {
      const failures = await openConcurrently(
        async () => {
          const schema = await createTestPostgresSchema();
          schemas.push(schema);
          return schema.url;
        },
        4,
        2,
      );
      expect(failures).toEqual([]);
      for (const schema of schemas)
        expect(await appliedMigrations(schema.url)).toEqual([
          "0001_initial",
          "0002_responses",
          "0003_cache_hit",
        ]);
    } finally {
      for (const schema of schemas) await schema.drop();
    }
  });
});
