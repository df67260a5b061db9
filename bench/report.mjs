// Prints the bench results: one line per measurement, then each target against its baseline.

/** @param {number} value @param {number} digits */
function format(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : "-";
}

/** @param {(string | number)[][]} table */
function printTable(table) {
  const widths =
    table[0]?.map((_, column) => Math.max(...table.map((line) => String(line[column]).length))) ?? [];
  for (const line of table) {
    console.log(line.map((cell, column) => String(cell).padStart(widths[column] ?? 0)).join("  "));
  }
}

/**
 * @param {{ rows: import("./run.mjs").Row[], settings: { load: string, durationSeconds: number,
 *   warmupSeconds: number }, targets: import("./rows.mjs").Target[], notes: string[], machine: string }} report
 * @returns {boolean} true when every measured response was 2xx and every probe passed
 */
export function printReport({ rows, settings, targets, notes, machine }) {
  console.log(`\nllmgate bench: ${machine}; load: ${settings.load}, ${settings.durationSeconds} s per row`);
  console.log(`(warm-up ${settings.warmupSeconds} s; all processes share the cores, nothing is pinned;`);
  console.log(` CPU is the target process and its children; for "direct" it is the upstream's)\n`);
  const header = [
    "target",
    "scenario",
    "conc",
    "req/s",
    "p50 ms",
    "p99 ms",
    "CPU µs/req",
    "requests",
    "non-2xx",
    "errors",
  ];
  printTable([
    header,
    ...rows.map((row) => [
      row.target,
      row.scenario,
      row.concurrency,
      format(row.requestsPerSecond, 0),
      format(row.p50Ms, 3),
      format(row.p99Ms, 3),
      format(row.cpuMicrosecondsPerRequest, 0),
      row.requests,
      row.non2xx,
      row.errors,
    ]),
  ]);

  const find = (
    /** @type {string} */ target,
    /** @type {string} */ scenario,
    /** @type {number} */ concurrency,
  ) =>
    rows.find((row) => row.target === target && row.scenario === scenario && row.concurrency === concurrency);
  /** @type {(string | number)[][]} */
  const comparisons = [
    [
      "target / baseline",
      "scenario",
      "conc",
      "throughput",
      "CPU/req",
      "p50 +ms vs direct",
      "baseline p50 +ms",
    ],
  ];
  /** @type {string[]} */
  const verdicts = [];
  for (const target of targets) {
    if (target.baseline === undefined) continue;
    for (const row of rows.filter((candidate) => candidate.target === target.id)) {
      const base = find(target.baseline, row.scenario, row.concurrency);
      if (base === undefined) continue;
      const direct = find("direct", row.scenario, row.concurrency);
      const throughputRatio = row.requestsPerSecond / base.requestsPerSecond;
      const addedP50 = direct === undefined ? Number.NaN : row.p50Ms - direct.p50Ms;
      const baseAddedP50 = direct === undefined ? Number.NaN : base.p50Ms - direct.p50Ms;
      comparisons.push([
        `${target.id} / ${target.baseline}`,
        row.scenario,
        row.concurrency,
        `${format(throughputRatio, 2)}x`,
        `${format(row.cpuMicrosecondsPerRequest / base.cpuMicrosecondsPerRequest, 2)}x`,
        row.concurrency === 1 ? format(addedP50, 3) : "",
        row.concurrency === 1 ? format(baseAddedP50, 3) : "",
      ]);
      if (target.baseline !== "floor") continue;
      // The first target of the proxy issue: half the floor's throughput, under 1 ms added at p50 (c=1).
      const isThroughputMet = throughputRatio >= 0.5;
      const isLatencyMet = row.concurrency !== 1 || addedP50 < 1;
      if (!isThroughputMet || !isLatencyMet) {
        verdicts.push(
          `${target.id} ${row.scenario} c=${row.concurrency}: ` +
            (isThroughputMet
              ? ""
              : `throughput ${format(throughputRatio, 2)}x of the floor (goal >= 0.5x) `) +
            (isLatencyMet ? "" : `adds ${format(addedP50, 3)} ms at p50 (goal < 1 ms)`),
        );
      }
    }
  }
  if (comparisons.length > 1) {
    console.log("\nratios (target / baseline):");
    printTable(comparisons);
    console.log(
      verdicts.length === 0 ? "\ngoals met (>= 0.5x floor throughput, < 1 ms added p50 at c=1)" : "",
    );
    for (const verdict of verdicts) console.log(`goal missed: ${verdict}`);
  }

  let isClean = true;
  for (const row of rows) {
    if (row.problem !== undefined) {
      isClean = false;
      console.log(`\nNOT MEASURED ${row.target} ${row.scenario} c=${row.concurrency}: ${row.problem}`);
    } else if (row.non2xx > 0 || row.errors > 0) {
      isClean = false;
      console.log(
        `\nWARNING ${row.target} ${row.scenario} c=${row.concurrency}: ${row.non2xx} non-2xx, ${row.errors} errors`,
      );
    }
  }
  for (const note of notes) console.log(`\nnote: ${note}`);
  return isClean;
}
