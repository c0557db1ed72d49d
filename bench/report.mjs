// The one table: each row a figure with Boris, each peer, the physical baseline, the value the target
// is checked on, the target and whether it is met. Printed as Markdown (so it pastes into a README)
// and written with the raw numbers as JSON to bench/results/.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PEERS } from "./peers.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.join(here, "results");

/** Not measured because the peer has no such operation. */
export const NA = "n/a";

/**
 * A figure. `boris`, `peers[id]` and `baseline.value` are numbers in `unit` (or a string such as NA);
 * `measured` is the number the target is checked on, in `target.unit` ("×" for a ratio);
 * `ok` (optional) is a further condition of the target (e.g. result counts agree).
 */
export function row({ figure, unit, boris, peers = {}, baseline, measured, target, ok, note = "", detail }) {
  const met =
    target === undefined || measured === undefined ? undefined : measured <= target.max && ok !== false;
  return { figure, unit, boris, peers, baseline, measured, target, ok, met, note, detail };
}

function num(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return String(value ?? "—");
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

const suffix = (unit) => (unit === "×" ? "×" : ` ${unit}`);
const withUnit = (value, unit) =>
  typeof value === "number" ? `${num(value)}${suffix(unit)}` : String(value ?? "—");

/** The measured value; one more digit when it would round to the target itself (1.153 vs ≤ 1.15). */
function measuredCell(r) {
  if (typeof r.measured !== "number") return "—";
  const unit = r.target?.unit ?? r.unit;
  if (r.target && r.measured !== r.target.max && num(r.measured) === num(r.target.max)) {
    return `${r.measured.toFixed(3)}${suffix(unit)}`;
  }
  return withUnit(r.measured, unit);
}

function cells(r, skipped) {
  const peerCells = PEERS.map((p) => withUnit(r.peers[p.id] ?? (skipped.has(p.id) ? "skipped" : NA), r.unit));
  const base = r.baseline ? `${withUnit(r.baseline.value, r.unit)} ${r.baseline.label}` : "—";
  const measured = measuredCell(r);
  const target = r.target ? `≤ ${withUnit(r.target.max, r.target.unit)}` : "—";
  const met = r.met === undefined ? "—" : r.met ? "yes" : "**no**";
  return [r.figure, withUnit(r.boris, r.unit), ...peerCells, base, measured, target, met, r.note];
}

/** `skipped`: ids of peers that could not be installed or started (their cells say so, not n/a). */
export function renderTable(rows, skipped = new Set()) {
  const header = [
    "figure",
    "Boris",
    ...PEERS.map((p) => p.id),
    "baseline",
    "measured",
    "target",
    "met",
    "note",
  ];
  // A `|` inside a cell (a shell pipe) would end the Markdown cell.
  const body = rows.map((r) => cells(r, skipped).map((c) => String(c).replaceAll("|", "\\|")));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpus: cpus.length,
    cpu: cpus[0]?.model ?? "unknown",
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/** Writes results/bench-<time>.json, results/latest.json and results/latest.md; returns the table text. */
export function writeReport({ rows, notes, options, startedAt, skipped }) {
  const table = renderTable(rows, skipped);
  const m = machine();
  const footer = [
    `${startedAt.toISOString()} · node ${m.node} · ${m.cpus} × ${m.cpu} · ${m.memoryGB} GB · load ${m.loadavg.join(" ")}`,
    ...notes.map((n) => `- ${n}`),
  ].join("\n");
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = JSON.stringify(
    { startedAt, machine: m, options, skipped: [...skipped], rows, notes },
    null,
    2,
  );
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  writeFileSync(path.join(RESULTS_DIR, `bench-${stamp}.json`), json);
  writeFileSync(path.join(RESULTS_DIR, "latest.json"), json);
  writeFileSync(path.join(RESULTS_DIR, "latest.md"), `${table}\n\n${footer}\n`);
  return `${table}\n\n${footer}`;
}
