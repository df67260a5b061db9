// Prints the bench results: medians over rounds, and ratios taken within each round (the same
// scenario, minutes apart at most) before their median, so that a noisy neighbour hits both sides.

/**
 * @typedef {{ round: number, target: string, scenario: string, connections: number, requestsPerSecond: number,
 *   p50Ms: number, p99Ms: number, cpuMicrosecondsPerRequest: number, requests: number, errors: number,
 *   non2xx: number }} Row
 */

/** @param {number[]} values */
export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? /** @type {number} */ (sorted[middle])
    : /** @type {number} */ (sorted[middle - 1] + /** @type {number} */ (sorted[middle])) / 2;
}

/** @param {number} value @param {number} digits */
export function format(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : "-";
}

/** @param {number} value */
function thousands(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "-";
}

/** @param {(string | number)[][]} table */
function printTable(table) {
  const widths =
    table[0]?.map((_, column) => Math.max(...table.map((line) => String(line[column]).length))) ?? [];
  for (const line of table) {
    console.log(
      line
        .map((cell, column) =>
          column < 2 ? String(cell).padEnd(widths[column] ?? 0) : String(cell).padStart(widths[column] ?? 0),
        )
        .join("  "),
    );
  }
}

/**
 * Medians and in-round ratios, per target and scenario.
 * @param {Row[]} rows @param {{ id: string, single?: string }[]} targets @param {string[]} scenarios
 */
export function summarize(rows, targets, scenarios) {
  const at = (/** @type {string} */ target, /** @type {string} */ scenario, /** @type {number} */ round) =>
    rows.find((row) => row.target === target && row.scenario === scenario && row.round === round);
  /** @param {Row[]} own @param {string} base @param {(row: Row, other: Row) => number} compare */
  const inRound = (own, base, compare) =>
    median(
      own.flatMap((row) => {
        const other = at(base, row.scenario, row.round);
        return other === undefined ? [] : [compare(row, other)];
      }),
    );
  const summary = [];
  for (const target of targets) {
    for (const scenario of scenarios) {
      const own = rows.filter((row) => row.target === target.id && row.scenario === scenario);
      if (own.length === 0) continue;
      const ratio = (/** @type {Row} */ row, /** @type {Row} */ other) =>
        row.requestsPerSecond / other.requestsPerSecond;
      summary.push({
        target: target.id,
        scenario,
        rounds: own.length,
        requestsPerSecond: median(own.map((row) => row.requestsPerSecond)),
        p50Ms: median(own.map((row) => row.p50Ms)),
        p99Ms: median(own.map((row) => row.p99Ms)),
        cpuMicrosecondsPerRequest: median(own.map((row) => row.cpuMicrosecondsPerRequest)),
        vsFloor: target.id === "floor" ? Number.NaN : inRound(own, "floor", ratio),
        vsPortkey: target.id === "portkey" ? Number.NaN : inRound(own, "portkey", ratio),
        vsSingle: target.single === undefined ? Number.NaN : inRound(own, target.single, ratio),
        addedP50VsFloorMs:
          target.id === "floor" ? Number.NaN : inRound(own, "floor", (row, other) => row.p50Ms - other.p50Ms),
        errors: own.reduce((sum, row) => sum + row.errors + row.non2xx, 0),
      });
    }
  }
  return summary;
}

/**
 * @param {ReturnType<typeof summarize>} summary @param {{ id: string, about: string }[]} targets
 * @param {string[]} scenarios
 */
export function printSummary(summary, targets, scenarios) {
  const hasPortkey = summary.some((line) => line.target === "portkey");
  const hasWorkers = summary.some((line) => Number.isFinite(line.vsSingle));
  const header = ["target", "scenario", "req/s", "vs floor"];
  if (hasPortkey) header.push("vs portkey");
  if (hasWorkers) header.push("vs 1 worker");
  header.push("CPU µs/req", "p50 ms", "p99 ms", "+p50 vs floor ms", "errors");
  /** @type {(string | number)[][]} */
  const table = [header];
  for (const line of summary) {
    const cells = [line.target, line.scenario, format(line.requestsPerSecond, 0), format(line.vsFloor, 2)];
    if (hasPortkey) cells.push(format(line.vsPortkey, 2));
    if (hasWorkers) cells.push(format(line.vsSingle, 2));
    cells.push(
      format(line.cpuMicrosecondsPerRequest, 0),
      format(line.p50Ms, 3),
      format(line.p99Ms, 3),
      line.scenario.endsWith(":1") ? format(line.addedP50VsFloorMs, 3) : "",
      line.errors,
    );
    table.push(cells);
  }
  console.log("");
  printTable(table);
  console.log("\ntargets:");
  for (const target of targets) console.log(`  ${target.id.padEnd(12)} ${target.about}`);

  // The README's table: per scenario, the floor's figures, then each target's ratio and CPU.
  const others = targets.filter((target) => target.id !== "floor" && target.id !== "direct");
  const find = (/** @type {string} */ target, /** @type {string} */ scenario) =>
    summary.find((line) => line.target === target && line.scenario === scenario);
  if (find("floor", scenarios[0] ?? "") === undefined || others.length === 0) return;
  console.log("\nMarkdown (req/s as a ratio of the floor's in the same round; CPU µs per request):\n");
  console.log(`| scenario | floor req/s, CPU µs/req | ${others.map((target) => target.id).join(" | ")} |`);
  console.log(`| --- | --: | ${others.map(() => "--:").join(" | ")} |`);
  for (const scenario of scenarios) {
    const floor = find("floor", scenario);
    if (floor === undefined) continue;
    const isSingle = scenario.endsWith(":1");
    const cells = others.map((target) => {
      const line = find(target.id, scenario);
      if (line === undefined) return "-";
      const added = isSingle ? `, +${format(line.addedP50VsFloorMs, 2)} ms p50` : "";
      return `${format(line.vsFloor, 2)} (${format(line.cpuMicrosecondsPerRequest, 0)} µs${added})`;
    });
    console.log(
      `| ${scenario.replace(":", ", ")} conn | ${thousands(floor.requestsPerSecond)}, ${format(floor.cpuMicrosecondsPerRequest, 0)} µs | ${cells.join(" | ")} |`,
    );
  }
}
