// File tools: `view` of the last 50 lines of a 10 MB file by range (time, and the server's peak RSS
// growth), and `str_replace` of a unique line in a 2000-line file, each against a bare in-process
// baseline and against the peers' equivalents, subjects interleaved.
import { copyFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { BIG_LINES, EDIT_TOKENS, makeBigFile, makeEditFile } from "./fixtures.mjs";
import { PEER_OPS } from "./peers.mjs";
import { MB } from "./procmem.mjs";
import { NA, row } from "./report.mjs";
import { interleave, median } from "./stats.mjs";

const VIEW_TARGET_RATIO = 1.2;
const VIEW_RSS_TARGET_MB = 5;
/** str_replace against server-filesystem's edit_file (issue 12). */
const EDIT_TARGET_RATIO = 1.0;
/** str_replace against a bare Node atomic write (temp file + fsync + rename) in the same run. */
const EDIT_ATOMIC_TARGET_RATIO = 1.2;
const TAIL = 50;

/** Which of the big file's lines `text` shows: "199951–200000" (any line-number prefix allowed). */
function linesShown(text) {
  const numbers = [...text.matchAll(/(\d{6}) lorem/g)].map((m) => Number(m[1]));
  if (numbers.length === 0) return "none";
  return `${Math.min(...numbers)}–${Math.max(...numbers)}`;
}
const WANTED = `${BIG_LINES - TAIL + 1}–${BIG_LINES}`;

export async function view(ctx) {
  const { stdio, peers } = ctx.main;
  const file = await makeBigFile(path.join(ctx.dirs.work, "big.txt"));
  const range = [BIG_LINES - TAIL + 1, BIG_LINES];
  const subjects = {
    bare: () => ctx.baseline.readFromLine(file, range[0]),
    boris: () => stdio.endpoint.text("view", { path: file, view_range: range }),
  };
  for (const [id, p] of Object.entries(peers)) {
    const op = PEER_OPS[id].tail;
    if (op) subjects[id] = () => op(p.endpoint, file, TAIL);
  }
  // One warm-up call each (page cache, JIT), then the stage's memory is measured from here.
  for (const fn of Object.values(subjects)) await fn();
  const servers = { boris: stdio, ...peers };
  const starts = Object.fromEntries(Object.entries(servers).map(([id, s]) => [id, s.peak.startStage()]));
  const runs = ctx.scale(20);
  const results = await interleave(subjects, { runs, warmup: 0 });
  const growth = Object.fromEntries(
    Object.entries(servers).map(([id, s]) => [id, s.peak.stageGrowth(starts[id]) / MB]),
  );
  const p = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v.times)]));
  const shown = Object.fromEntries(
    Object.entries(results)
      .filter(([k]) => k !== "bare")
      .map(([k, v]) => [k, linesShown(v.last)]),
  );
  ctx.log(
    `view p50: ${Object.entries(p)
      .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
      .join(", ")}`,
  );
  const wrong = Object.entries(shown)
    .filter(([, lines]) => lines !== WANTED)
    .map(([k, lines]) => `${k} returned lines ${lines}`);
  const peerIds = Object.keys(peers);
  // The same file without a range: the first 2000 lines, and (Boris) the file's line count.
  const head = { boris: () => stdio.endpoint.text("view", { path: file }) };
  for (const [id, peer] of Object.entries(peers)) {
    const op = PEER_OPS[id].head;
    if (op) head[id] = () => op(peer.endpoint, file, 2000);
  }
  const headResults = await interleave(head, { runs: ctx.scale(10), warmup: 1 });
  const headP50 = Object.fromEntries(Object.entries(headResults).map(([k, v]) => [k, median(v.times)]));
  ctx.rows.push(
    row({
      figure: "view: last 50 lines of a 10 MB, 200k-line file, p50",
      unit: "ms",
      boris: p.boris,
      peers: Object.fromEntries(peerIds.map((id) => [id, p[id] ?? NA])),
      baseline: { value: p.bare, label: "(bare Node reads the file, finds the line)" },
      measured: p.boris / p.bare,
      target: { max: VIEW_TARGET_RATIO, unit: "×" },
      ok: shown.boris === WANTED,
      note: `${runs} calls; ${wrong.length ? `WRONG: ${wrong.join(", ")}` : `all return lines ${WANTED}`}`,
      detail: { p50: p, shown },
    }),
    row({
      figure: "view without a range: first 2000 lines of that file, p50",
      unit: "ms",
      boris: headP50.boris,
      peers: Object.fromEntries(peerIds.map((id) => [id, headP50[id] ?? NA])),
      note: "informational; Boris also counts the file's lines (reads it all)",
    }),
    row({
      figure: "view: server peak RSS growth over the ranged calls",
      unit: "MB",
      boris: growth.boris,
      peers: Object.fromEntries(peerIds.map((id) => [id, growth[id]])),
      measured: growth.boris,
      target: { max: VIEW_RSS_TARGET_MB, unit: "MB" },
      note: "VmHWM after − VmRSS before (VmHWM reset first)",
    }),
  );
}

export async function strReplace(ctx) {
  const { stdio, peers } = ctx.main;
  const source = makeEditFile(path.join(ctx.dirs.work, "edit-source.txt"));
  const files = {};
  const copy = (id) => {
    files[id] = path.join(ctx.dirs.work, `edit-${id}.txt`);
    copyFileSync(source, files[id]);
    return files[id];
  };
  /** Each subject swaps the marker line back and forth, so it stays unique and present. */
  const swapper = (edit) => {
    let turn = 0;
    return () => {
      const [from, to] = turn++ % 2 === 0 ? EDIT_TOKENS : [...EDIT_TOKENS].reverse();
      return edit(from, to);
    };
  };
  const bareFile = copy("bare");
  const atomicFile = copy("atomic");
  const borisFile = copy("boris");
  await stdio.endpoint.text("view", { path: borisFile }); // view before edit, as the server requires
  const subjects = {
    bare: swapper((from, to) => ctx.baseline.readReplaceWrite(bareFile, from, to)),
    atomic: swapper((from, to) => ctx.baseline.readReplaceAtomic(atomicFile, from, to)),
    boris: swapper((from, to) =>
      stdio.endpoint.text("str_replace", { path: borisFile, old_str: from, new_str: to }),
    ),
  };
  for (const [id, p] of Object.entries(peers)) {
    const op = PEER_OPS[id].edit;
    const file = copy(id);
    if (op) subjects[id] = swapper((from, to) => op(p.endpoint, file, from, to));
  }
  // An even number of warm-up rounds and runs leaves every file as it started.
  const runs = ctx.scale(50) * 2;
  const results = await interleave(subjects, { runs, warmup: 2 });
  const p = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v.times)]));
  const expected = readFileSync(source, "utf8");
  const intact = Object.entries(files)
    .filter(([id]) => subjects[id])
    .filter(([, f]) => readFileSync(f, "utf8") !== expected)
    .map(([id]) => id);
  ctx.log(
    `str_replace p50: ${Object.entries(p)
      .map(([k, v]) => `${k} ${v.toFixed(2)} ms`)
      .join(", ")}`,
  );
  const sf = p["server-filesystem"];
  const peerIds = Object.keys(peers);
  ctx.rows.push(
    row({
      figure: "str_replace of a unique line in a 2000-line file, p50",
      unit: "ms",
      boris: p.boris,
      peers: Object.fromEntries(peerIds.map((id) => [id, p[id] ?? NA])),
      baseline: { value: p.bare, label: "(bare read-replace-write)" },
      measured: sf === undefined ? undefined : p.boris / sf,
      target: { max: EDIT_TARGET_RATIO, unit: "×" },
      ok: intact.length === 0,
      note:
        `${sf === undefined ? "server-filesystem missing: no ratio; " : "ratio to server-filesystem edit_file; "}` +
        `${(p.boris / p.bare).toFixed(1)}× bare; ${runs} edits` +
        `${intact.length ? `; FILE CONTENT WRONG AFTER: ${intact.join(", ")}` : ""}`,
      detail: { p50: p },
    }),
    row({
      figure: "str_replace vs a bare atomic write, p50",
      unit: "ms",
      boris: p.boris,
      peers: Object.fromEntries(peerIds.map((id) => [id, p[id] ?? NA])),
      baseline: { value: p.atomic, label: "(bare read-replace, temp file + fsync + rename)" },
      measured: p.boris / p.atomic,
      target: { max: EDIT_ATOMIC_TARGET_RATIO, unit: "×" },
      ok: intact.length === 0,
      note: `the same ${runs} edits; the baseline keeps Boris's crash guarantee and nothing else`,
      detail: { p50: p },
    }),
  );
}
