// Start-up: from spawning the server until `initialize` has completed, for each server in turn
// (interleaved rounds), against the floor of any Node server: spawning Node and reading its first byte.
import { nodeStart } from "./baselines.mjs";
import { startBorisHttp, startBorisStdio } from "./boris.mjs";
import { connectHttp } from "./http-client.mjs";
import { startPeer } from "./peers.mjs";
import { row } from "./report.mjs";
import { median } from "./stats.mjs";

const TARGET_MS = 200;

export async function startup(ctx) {
  const { work } = ctx.dirs;
  const subjects = {
    node: async () => {
      const start = performance.now();
      await nodeStart();
      return performance.now() - start;
    },
    stdio: async () => {
      const { endpoint, startupMs } = await startBorisStdio({ workdir: work });
      await endpoint.close();
      return startupMs;
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
  for (const [id, installed] of Object.entries(ctx.installedPeers)) {
    subjects[id] = async () => {
      const { endpoint, startupMs } = await startPeer(installed.peer, installed, [work]);
      await endpoint.close();
      return startupMs;
    };
  }
  const rounds = ctx.scale(5);
  const times = Object.fromEntries(Object.keys(subjects).map((k) => [k, []]));
  // Round 0 warms the page cache (node, the packages' files) and is not recorded.
  for (let round = 0; round <= rounds; round++) {
    for (const [name, fn] of Object.entries(subjects)) {
      const ms = await fn();
      if (round > 0) times[name].push(ms);
    }
  }
  ctx.log(
    `start-up: ${Object.entries(times)
      .map(([k, v]) => `${k} ${median(v).toFixed(0)} ms`)
      .join(", ")}`,
  );
  const baseline = { value: median(times.node), label: "(node spawn to first byte)" };
  const peers = Object.fromEntries(Object.keys(ctx.installedPeers).map((id) => [id, median(times[id])]));
  const detail = { rounds, times };
  ctx.rows.push(
    row({
      figure: "start-up until initialize completes (stdio)",
      unit: "ms",
      boris: median(times.stdio),
      peers,
      baseline,
      measured: median(times.stdio),
      target: { max: TARGET_MS, unit: "ms" },
      note: `median of ${rounds} starts`,
      detail,
    }),
    row({
      figure: "start-up until initialize completes (HTTP)",
      unit: "ms",
      boris: median(times.http),
      baseline,
      measured: median(times.http),
      target: { max: TARGET_MS, unit: "ms" },
      note: "spawn → listening → initialize; peers are stdio only",
    }),
  );
}
