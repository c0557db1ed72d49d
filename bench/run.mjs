#!/usr/bin/env node
// `pnpm bench`: every Boris benchmark against the built binaries over stdio and HTTP, with the peers
// and the physical baselines measured in the same run, printed as one table (stdout) and written as
// JSON to bench/results/. Progress goes to stderr. Never asserts: a missed target is a "no" in the
// table, and the exit status is 0 unless the bench itself broke.
//
// Environment:
//   BORIS_BENCH_DIR       cache folder outside the repo for the corpus and the peers (/tmp/boris-bench)
//   BORIS_BENCH_CORPUS    search corpus folder (default: the kernel tree setup-corpus.sh unpacks)
//   BORIS_BENCH_ONLY      comma list of stages to run (default all): startup, ping, bash, view,
//                         str_replace, search, flood, background, load, cleanup
//   BORIS_BENCH_PEERS     0 to leave the peers out
//   BORIS_BENCH_SCALE     multiplies every repetition count (default 1; 0.2 for a quick look)
//   BORIS_BENCH_YES_SECONDS, BORIS_BENCH_FLOOD_BYTES   duration / size of the flood stages
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import { startBaselineWorker } from "./baselines.mjs";
import { startBorisHttp, startBorisStdio } from "./boris.mjs";
import { cleanup } from "./cleanup.mjs";
import { locateCorpus } from "./corpus.mjs";
import { strReplace, view } from "./files.mjs";
import { backgroundYes, foregroundFlood } from "./flood.mjs";
import { connectHttp } from "./http-client.mjs";
import { httpLoad } from "./http-load.mjs";
import { bashTrue, ping } from "./latency.mjs";
import { installPeer, PEERS, startPeer } from "./peers.mjs";
import { MB, PeakTracker } from "./procmem.mjs";
import { row, writeReport } from "./report.mjs";
import { search } from "./search.mjs";
import { startup } from "./startup.mjs";

const PEAK_TARGET_MB = 80;
const benchDir = path.resolve(process.env.BORIS_BENCH_DIR ?? "/tmp/boris-bench");
const scaleFactor = Number(process.env.BORIS_BENCH_SCALE ?? 1);
const only = process.env.BORIS_BENCH_ONLY?.split(",").map((s) => s.trim());
const withPeers = process.env.BORIS_BENCH_PEERS !== "0";
const wanted = (stage) => !only || only.includes(stage);

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const startedAt = new Date();
const rows = [];
const notes = [];
const skipped = new Set();

mkdirSync(benchDir, { recursive: true });
const work = realpathSync(mkdtempSync(path.join(benchDir, "work-")));
// Also when a stage takes the whole bench down.
process.once("exit", () => rmSync(work, { recursive: true, force: true }));
const ctx = {
  dirs: { work, corpus: undefined },
  rows,
  notes,
  log,
  scale: (n) => Math.max(1, Math.round(n * scaleFactor)),
  installedPeers: {},
  main: undefined,
  baseline: startBaselineWorker(),
};

/** The long-lived stdio server's peak RSS (MB) after each stage run on it: which stage set it. */
const stdioPeakAfter = [];

/** Runs one stage; a failure becomes a note and the bench goes on. */
async function stage(name, fn) {
  if (!wanted(name)) return;
  log(`— ${name}`);
  try {
    await fn(ctx);
  } catch (err) {
    log(`${name} failed: ${err?.stack ?? err}`);
    notes.push(`stage ${name} failed: ${String(err?.message ?? err).split("\n")[0]}`);
  }
  const tracker = ctx.main?.stdio.peak;
  if (tracker?.observe()) stdioPeakAfter.push(`${name} ${(tracker.peak / MB).toFixed(0)}`);
}

if (withPeers) {
  for (const peer of PEERS) {
    const installed = installPeer(peer, path.join(benchDir, "peers"), log);
    if (installed.skip) {
      skipped.add(peer.id);
      notes.push(`${peer.id} skipped: ${installed.skip}`);
    } else {
      ctx.installedPeers[peer.id] = { ...installed, peer };
    }
  }
} else {
  for (const peer of PEERS) skipped.add(peer.id);
  notes.push("peers left out (BORIS_BENCH_PEERS=0)");
}

if (wanted("search")) {
  const corpus = locateCorpus(benchDir, log);
  if (corpus.skip) notes.push(`search figures skipped: no corpus (${corpus.skip})`);
  else ctx.dirs.corpus = corpus.dir;
}

await stage("startup", startup);

// The long-lived servers of the stdio, file, search and flood stages; their peak RSS is tracked
// across the whole run.
const stdioStarted = await startBorisStdio({ workdir: work });
const httpServer = await startBorisHttp({ workdir: work });
const httpStarted = await connectHttp({
  name: "boris-http",
  url: httpServer.url,
  pid: httpServer.pid,
  log: httpServer.log,
});
ctx.main = {
  stdio: { endpoint: stdioStarted.endpoint, peak: new PeakTracker(stdioStarted.endpoint.pid) },
  http: { endpoint: httpStarted.endpoint, peak: new PeakTracker(httpServer.pid) },
  peers: {},
};
for (const [id, installed] of Object.entries(ctx.installedPeers)) {
  try {
    const dirs = [work, ...(ctx.dirs.corpus ? [ctx.dirs.corpus] : [])];
    const { endpoint, note } = await startPeer(installed.peer, installed, dirs);
    ctx.main.peers[id] = { endpoint, peak: new PeakTracker(endpoint.pid) };
    if (note) notes.push(`${id}: ${note}`);
  } catch (err) {
    skipped.add(id);
    notes.push(`${id} skipped: ${String(err?.message ?? err).split("\n")[0]}`);
  }
}

await stage("ping", ping);
await stage("bash", bashTrue);
await stage("view", view);
await stage("str_replace", strReplace);
if (ctx.dirs.corpus) await stage("search", search);
ctx.main.stdio.peak.observe();
const peakBeforeFloods = ctx.main.stdio.peak.peak;
await stage("flood", foregroundFlood);
await stage("background", backgroundYes);

const servers = { boris: ctx.main.stdio, ...ctx.main.peers };
const peaks = {};
for (const [id, s] of Object.entries(servers)) {
  s.peak.observe();
  peaks[id] = s.peak.peak / MB;
}
rows.push(
  row({
    figure: "peak server RSS over the whole bench (stdio server)",
    unit: "MB",
    boris: peaks.boris,
    peers: Object.fromEntries(Object.keys(ctx.main.peers).map((id) => [id, peaks[id]])),
    measured: peaks.boris,
    target: { max: PEAK_TARGET_MB, unit: "MB" },
    note:
      `VmHWM over the stages run on it${only ? ` (only: ${only.join(", ")})` : ""}; ` +
      `${(peakBeforeFloods / MB).toFixed(0)} MB before the flood stages; peak after each stage (MB): ` +
      stdioPeakAfter.join(", "),
  }),
);
await Promise.all(Object.values(servers).map((s) => s.endpoint.close().catch(() => {})));
await httpStarted.endpoint.terminate().catch(() => {});
await httpServer.stop();

await stage("load", httpLoad);
await stage("cleanup", cleanup);

ctx.baseline.close();
const table = writeReport({
  rows,
  notes,
  skipped,
  startedAt,
  options: { benchDir, scale: scaleFactor, only, withPeers, corpus: ctx.dirs.corpus },
});
process.stdout.write(`\n${table}\n`);
log(`done in ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s; JSON in bench/results/`);
