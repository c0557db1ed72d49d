#!/usr/bin/env node
// Prints the table of a saved run again: `node render.mjs [results/latest.json]`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { RESULTS_DIR, renderTable } from "./report.mjs";

const file = process.argv[2] ?? path.join(RESULTS_DIR, "latest.json");
const run = JSON.parse(readFileSync(file, "utf8"));
const m = run.machine;
console.log(renderTable(run.rows, new Set(run.skipped ?? [])));
console.log(
  `\n${run.startedAt} · node ${m.node} · ${m.cpus} × ${m.cpu} · ${m.memoryGB} GB · load ${m.loadavg.join(" ")}`,
);
for (const note of run.notes) console.log(`- ${note}`);
