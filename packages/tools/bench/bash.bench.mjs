// What a foreground bash call costs the server, through the MCP client as a model would call it:
// 1. the round trip of `true` (p50/p95 over 200 calls) against Node spawning `bash -c true`;
// 2. `yes | head -c 2000000000` (2 GB of output): heap growth and event-loop delay while it runs;
// 3. the round trip of `echo x` in ANOTHER session while a flood runs (it must not stall).
// Run after a build: `node --expose-gc bench/bash.bench.mjs` in packages/tools
// (BORIS_BENCH_BASH_BYTES=… to change the flood size).

import { spawn } from "node:child_process";
import { realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Session } from "@boris-mcp/session";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { createPathScope, registerTools } from "../dist/index.js";

const FLOOD_BYTES = Number(process.env.BORIS_BENCH_BASH_BYTES ?? 2_000_000_000);
const CALLS = 200;
const MB = 1024 * 1024;
const gc = globalThis.gc ?? (() => {});
if (!globalThis.gc) console.warn("(run with --expose-gc for the retained-heap figure)");

const workdir = await realpath(tmpdir());
const config = {
  shell: "/bin/bash",
  defaultTimeoutMs: 600_000,
  maxTimeoutMs: 600_000,
  killGraceMs: 5_000,
  drainMs: 100,
  outputLimit: 30_000,
  progressIntervalMs: 50,
  maxFileSize: 10 * MB,
  requireViewBeforeEdit: true,
  anthropicCompat: false,
  disabledTools: new Set(),
  pathScope: createPathScope(),
  searchTimeoutMs: 60_000,
  rgPath: undefined,
};

async function connect() {
  const session = new Session({ workdir });
  const server = new Server({ name: "boris-bench", version: "0.0.0" }, { capabilities: {} });
  registerTools(server, session, config);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "bench", version: "0.0.0" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  const bash = (command) =>
    client.callTool({ name: "bash", arguments: { command } }, undefined, { timeout: 600_000 });
  return {
    bash,
    close: async () => {
      await client.close();
      await session.close();
    },
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

const ms = (ns) => (ns / 1e6).toFixed(1);

async function eventLoopDelay(during) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const value = await during();
  histogram.disable();
  return {
    value,
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
}

async function roundTrips(call, n) {
  for (let i = 0; i < 20; i++) await call();
  const samples = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await call();
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

async function alternating(calls, n) {
  for (let i = 0; i < 20; i++) for (const call of calls) await call();
  const samples = calls.map(() => []);
  for (let i = 0; i < n; i++) {
    for (const [k, call] of calls.entries()) {
      const start = performance.now();
      await call();
      samples[k].push(performance.now() - start);
    }
  }
  return samples.map(stats);
}

function spawnTrue() {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/bash", ["-c", "true"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.once("error", reject);
    child.once("close", resolve);
  });
}

const rows = [];
const flooder = await connect();
const other = await connect();

// 1. The `true` round trip, first, on a quiet machine; tool and baseline calls alternate so that
//    background load affects both alike.
const [viaTool, direct] = await alternating([() => flooder.bash("true"), spawnTrue], CALLS);

// 2. The flood alone: heap and event-loop delay. Idle delay first, as the reference.
const idle = await eventLoopDelay(() => sleep(1000));
gc();
const heapBefore = process.memoryUsage().heapUsed;
let heapPeak = heapBefore;
const sampler = setInterval(() => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
}, 5);
const floodStart = performance.now();
const floodCall = flooder.bash(`yes | head -c ${FLOOD_BYTES}`);
// Measured from 250 ms in: starting a process (fork + exec, synchronous in Node) is a cost of
// every command, not of its output, and on a loaded machine it alone can take tens of ms.
await sleep(250);
const flood = await eventLoopDelay(() => floodCall);
const floodMs = performance.now() - floodStart;
clearInterval(sampler);
gc();
const heapAfter = process.memoryUsage().heapUsed;
const floodStdout = String(flood.value.structuredContent?.stdout ?? "");
if (!/characters omitted/.test(floodStdout) || floodStdout.length > 31_000) {
  throw new Error(`unexpected flood result: ${floodStdout.slice(0, 200)}`);
}

// 3. Another session's small command while a flood runs (a quarter of the size) vs. at rest.
const otherIdle = await roundTrips(() => other.bash("echo x"), 50);
let flooding = true;
const otherSamples = [];
const otherLoop = (async () => {
  while (flooding) {
    const start = performance.now();
    await other.bash("echo x");
    otherSamples.push(performance.now() - start);
  }
})();
await flooder.bash(`yes | head -c ${Math.round(FLOOD_BYTES / 4)}`);
flooding = false;
await otherLoop;
const otherBusy = stats(otherSamples);

const f = (x) => x.toFixed(2);
rows.push([
  "flood: output / time",
  `${(FLOOD_BYTES / 1e9).toFixed(1)} GB in ${(floodMs / 1000).toFixed(1)} s`,
]);
rows.push(["flood: heap growth at peak (incl. garbage)", `${((heapPeak - heapBefore) / MB).toFixed(1)} MB`]);
rows.push(["flood: heap retained after GC", `${((heapAfter - heapBefore) / MB).toFixed(1)} MB`]);
rows.push(["event-loop delay at rest p50 / p99 / max", `${idle.p50} / ${idle.p99} / ${idle.max} ms`]);
rows.push(["event-loop delay during flood p50 / p99 / max", `${flood.p50} / ${flood.p99} / ${flood.max} ms`]);
rows.push(["other session `echo x` at rest p50 / p95", `${f(otherIdle.p50)} / ${f(otherIdle.p95)} ms`]);
rows.push([
  `other session \`echo x\` during a flood p50 / p95 (${otherSamples.length} calls)`,
  `${f(otherBusy.p50)} / ${f(otherBusy.p95)} ms`,
]);
rows.push([`bash tool \`true\` p50 / p95 (${CALLS} calls)`, `${f(viaTool.p50)} / ${f(viaTool.p95)} ms`]);
rows.push(["node spawn `bash -c true` p50 / p95 (baseline)", `${f(direct.p50)} / ${f(direct.p95)} ms`]);

await flooder.close();
await other.close();

const width = Math.max(...rows.map(([k]) => k.length));
console.log(`\nbash bench (node ${process.version}, ${process.platform})`);
for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
