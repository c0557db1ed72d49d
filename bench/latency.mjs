// Round trips: MCP `ping` (the protocol floor of each server) and bash `true` (spawning a shell),
// each against the physical floor measured in the same run, subjects interleaved.
import { startHttpEcho } from "./baselines.mjs";
import { PEER_OPS } from "./peers.mjs";
import { NA, row } from "./report.mjs";
import { interleave, median, percentile } from "./stats.mjs";

const PING_TARGET_MS = 0.6;
const BASH_TARGET_RATIO = 1.5;
/**
 * Pause before each bash call, untimed: a server may fork its next helper process right after it
 * answered, and without the pause that fork ran during the next subject's call (the bare spawn
 * baseline more often than not, see roundOrder), inflating it. Agents' calls are seconds apart.
 */
const BASH_SETTLE_MS = 25;

const summary = (times) => ({
  p50: median(times),
  p90: percentile(times, 90),
  p99: percentile(times, 99),
  n: times.length,
});

/** name → p50 of the results of interleave(). */
const p50s = (results) => Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v.times)]));

export async function ping(ctx) {
  const { stdio, http, peers } = ctx.main;
  const web = await startHttpEcho();
  try {
    const subjects = { pipe: () => ctx.baseline.echo(), stdio: () => stdio.endpoint.ping() };
    for (const [id, p] of Object.entries(peers)) subjects[id] = () => p.endpoint.ping();
    const runs = ctx.scale(500);
    const onStdio = await interleave(subjects, { runs, warmup: 50 });
    const onHttp = await interleave(
      { web: () => web.roundTrip(), http: () => http.endpoint.ping() },
      { runs, warmup: 50 },
    );
    const p = { ...p50s(onStdio), ...p50s(onHttp) };
    ctx.log(
      `ping p50: ${Object.entries(p)
        .map(([k, v]) => `${k} ${v.toFixed(3)} ms`)
        .join(", ")}`,
    );
    const peerP50 = Object.fromEntries(Object.keys(peers).map((id) => [id, p[id]]));
    ctx.rows.push(
      row({
        figure: "MCP ping p50 (stdio)",
        unit: "ms",
        boris: p.stdio,
        peers: peerP50,
        baseline: { value: p.pipe, label: "(bare Node answering a JSON line over a pipe)" },
        measured: p.stdio,
        target: { max: PING_TARGET_MS, unit: "ms" },
        note: `${runs} pings; p99 ${percentile(onStdio.stdio.times, 99).toFixed(2)} ms`,
        detail: Object.fromEntries(Object.entries(onStdio).map(([k, v]) => [k, summary(v.times)])),
      }),
      row({
        figure: "MCP ping p50 (HTTP)",
        unit: "ms",
        boris: p.http,
        baseline: { value: p.web, label: "(fetch to a bare node:http echo)" },
        note: `informational (the target is set on stdio); p99 ${percentile(onHttp.http.times, 99).toFixed(2)} ms`,
        detail: Object.fromEntries(Object.entries(onHttp).map(([k, v]) => [k, summary(v.times)])),
      }),
    );
  } finally {
    web.close();
  }
}

export async function bashTrue(ctx) {
  const { stdio, http, peers } = ctx.main;
  const subjects = {
    spawn: () => ctx.baseline.bashTrue(),
    stdio: () => stdio.endpoint.text("bash", { command: "true" }),
    http: () => http.endpoint.text("bash", { command: "true" }),
  };
  for (const [id, p] of Object.entries(peers)) {
    const op = PEER_OPS[id].bash;
    if (op) subjects[id] = () => op(p.endpoint, "true");
  }
  const runs = ctx.scale(100);
  const results = await interleave(subjects, { runs, warmup: 5, settleMs: BASH_SETTLE_MS });
  const p = p50s(results);
  ctx.log(
    `bash true p50: ${Object.entries(p)
      .map(([k, v]) => `${k} ${v.toFixed(2)} ms`)
      .join(", ")}`,
  );
  const baseline = { value: p.spawn, label: "(bare Node spawns bash -c true)" };
  const peerP50 = Object.fromEntries(Object.keys(peers).map((id) => [id, p[id] ?? NA]));
  const detail = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, summary(v.times)]));
  const peerRatios = Object.keys(peers)
    .filter((id) => p[id] !== undefined)
    .map((id) => `${id} ${(p[id] / p.spawn).toFixed(1)}×`)
    .join(", ");
  for (const transport of ["stdio", "http"]) {
    ctx.rows.push(
      row({
        figure: `bash \`true\` round trip p50 (${transport === "http" ? "HTTP" : "stdio"})`,
        unit: "ms",
        boris: p[transport],
        peers: transport === "stdio" ? peerP50 : {},
        baseline,
        measured: p[transport] / p.spawn,
        target: { max: BASH_TARGET_RATIO, unit: "×" },
        note: `ratio to baseline, ${runs} calls${transport === "stdio" && peerRatios ? `; ${peerRatios}` : ""}`,
        detail,
      }),
    );
  }
}
