// Start-up: from spawning the server until `initialize` has completed, for each server in turn
// (interleaved rounds), against the floor of any Node server: spawning Node and reading its first byte.
// Then the memory a started, idle server holds.
import { nodeStart } from "./baselines.mjs";
import { startBorisHttp, startBorisStdio } from "./boris.mjs";
import { connectHttp } from "./http-client.mjs";
import { startPeer } from "./peers.mjs";
import { MB, memOf } from "./procmem.mjs";
import { row } from "./report.mjs";
import { median, roundOrder, sleep } from "./stats.mjs";

const TARGET_MS = 150;
/** Start-up at most this fraction of server-filesystem's, measured in the same rounds. */
const TARGET_RATIO_TO_PEER = 0.75;
const RATIO_PEER = "server-filesystem";
const IDLE_TARGET_MB = 45;
/** How long a started server is left alone before its RSS is read. */
const IDLE_MS = 1000;

/** A started stdio server's RSS after `initialize` (and, then, `tools/list`), each after IDLE_MS. */
async function idleRss(start) {
  const { endpoint } = await start();
  try {
    await sleep(IDLE_MS);
    const afterInitialize = memOf(endpoint.pid)?.rss;
    await endpoint.client.listTools();
    await sleep(IDLE_MS);
    return { afterInitialize, afterToolsList: memOf(endpoint.pid)?.rss };
  } finally {
    await endpoint.close();
  }
}

export async function startup(ctx) {
  const { work } = ctx.dirs;
  const starters = {
    stdio: () => startBorisStdio({ workdir: work }),
  };
  for (const [id, installed] of Object.entries(ctx.installedPeers)) {
    starters[id] = () => startPeer(installed.peer, installed, [work]);
  }
  const subjects = {
    node: async () => {
      const start = performance.now();
      await nodeStart();
      return performance.now() - start;
    },
    http: async () => {
      const start = performance.now();
      const server = await startBorisHttp({ workdir: work });
      const { endpoint } = await connectHttp({
        name: "boris-http",
        url: server.url,
        pid: server.pid,
        log: server.log,
      });
      const ms = performance.now() - start;
      await endpoint.terminate();
      await server.stop();
      return ms;
    },
  };
  for (const [id, start] of Object.entries(starters)) {
    subjects[id] = async () => {
      const { endpoint, startupMs } = await start();
      await endpoint.close();
      return startupMs;
    };
  }
  const rounds = ctx.scale(5);
  const names = Object.keys(subjects);
  const times = Object.fromEntries(names.map((k) => [k, []]));
  // Round 0 warms the page cache (node, the packages' files) and is not recorded.
  for (let round = 0; round <= rounds; round++) {
    for (const name of roundOrder(names, round)) {
      const ms = await subjects[name]();
      if (round > 0) times[name].push(ms);
    }
  }
  ctx.log(
    `start-up: ${Object.entries(times)
      .map(([k, v]) => `${k} ${median(v).toFixed(0)} ms`)
      .join(", ")}`,
  );

  const idle = Object.fromEntries(Object.keys(starters).map((k) => [k, []]));
  for (let round = 0; round < ctx.scale(3); round++) {
    for (const name of roundOrder(Object.keys(starters), round))
      idle[name].push(await idleRss(starters[name]));
  }
  const idleMb = (id, when) => median(idle[id].map((m) => m[when] ?? Number.NaN)) / MB;
  ctx.log(
    `idle RSS after initialize, tools/list: ${Object.keys(idle)
      .map(
        (k) =>
          `${k} ${idleMb(k, "afterInitialize").toFixed(1)}, ${idleMb(k, "afterToolsList").toFixed(1)} MB`,
      )
      .join("; ")}`,
  );

  const baseline = { value: median(times.node), label: "(node spawn to first byte)" };
  const peers = Object.fromEntries(Object.keys(ctx.installedPeers).map((id) => [id, median(times[id])]));
  const reference = peers[RATIO_PEER];
  const ratioNote = (ms) =>
    reference === undefined
      ? `${RATIO_PEER} not run: the ≤ ${TARGET_RATIO_TO_PEER}× part is unchecked`
      : `${(ms / reference).toFixed(2)}× ${RATIO_PEER} (target ≤ ${TARGET_RATIO_TO_PEER}×)`;
  const ratioOk = (ms) => reference === undefined || ms / reference <= TARGET_RATIO_TO_PEER;
  const stdioMs = median(times.stdio);
  const httpMs = median(times.http);
  const detail = { rounds, times, idle };
  ctx.rows.push(
    row({
      figure: "start-up until initialize completes (stdio)",
      unit: "ms",
      boris: stdioMs,
      peers,
      baseline,
      measured: stdioMs,
      target: { max: TARGET_MS, unit: "ms" },
      ok: ratioOk(stdioMs),
      note: `median of ${rounds} starts; ${ratioNote(stdioMs)}`,
      detail,
    }),
    row({
      figure: "start-up until initialize completes (HTTP)",
      unit: "ms",
      boris: httpMs,
      baseline,
      measured: httpMs,
      target: { max: TARGET_MS, unit: "ms" },
      ok: ratioOk(httpMs),
      note: `spawn → listening → initialize; peers are stdio only; ${ratioNote(httpMs)}`,
    }),
    row({
      figure: "idle server RSS after start-up (stdio)",
      unit: "MB",
      boris: idleMb("stdio", "afterToolsList"),
      peers: Object.fromEntries(
        Object.keys(ctx.installedPeers).map((id) => [id, idleMb(id, "afterToolsList")]),
      ),
      measured: idleMb("stdio", "afterToolsList"),
      target: { max: IDLE_TARGET_MB, unit: "MB" },
      note:
        `VmRSS ${IDLE_MS / 1000} s after initialize and tools/list (what a client asks first), median of ` +
        `${idle.stdio.length} starts; after initialize alone ${idleMb("stdio", "afterInitialize").toFixed(1)} MB`,
    }),
  );
}
