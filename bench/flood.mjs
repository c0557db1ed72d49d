// Output floods: a background `yes` left running (its output goes to the task's bounded buffer) and a
// foreground `yes | head -c …`. The server's memory must stay flat, and it must keep answering: a
// ping runs every 100 ms meanwhile.
import { readdirSync, readFileSync } from "node:fs";
import { MB, sampleRss } from "./procmem.mjs";
import { row } from "./report.mjs";
import { percentile, sleep } from "./stats.mjs";

const BG_TARGET_MB = 10;

const PING_TIMEOUT_MS = 5000;

/**
 * Pings `endpoint` every 100 ms until stop(), which returns the round trips in ms and how many
 * pings got no answer within PING_TIMEOUT_MS.
 */
function pingLoop(endpoint) {
  const times = [];
  let missed = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      const start = performance.now();
      try {
        await endpoint.ping(PING_TIMEOUT_MS);
        times.push(performance.now() - start);
      } catch {
        missed++;
      }
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { times, missed };
    },
  };
}

/** Memory and ping figures of `server` while `during()` runs. */
async function watch(server, during) {
  const stage = server.peak.startStage();
  const sampler = sampleRss(server.endpoint.pid, 250);
  const pings = pingLoop(server.endpoint);
  const value = await during();
  const { times, missed } = await pings.stop();
  const sampled = sampler.stop();
  const growth = Math.max(server.peak.stageGrowth(stage) ?? 0, sampled.max - stage.rss) / MB;
  return {
    value,
    growth,
    last: (sampled.last - stage.rss) / MB,
    pingP50: percentile(times, 50) ?? Number.NaN,
    pingP99: percentile(times, 99) ?? Number.NaN,
    missed,
  };
}

/** Pids of the live children of `pid` (from /proc/<child>/stat). */
function childrenOf(pid) {
  const found = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === pid && fields[0] !== "Z") found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/**
 * desktop-commander's way: start_process runs `yes` and keeps collecting its output. Its answer is
 * not awaited (a flooded server may never give it); the bench kills `yes` itself afterwards.
 */
async function dcBackgroundYes(endpoint, seconds) {
  const answer = endpoint.call("start_process", { command: "yes", timeout_ms: 1000 });
  await sleep(seconds * 1000);
  for (const pid of childrenOf(endpoint.pid)) process.kill(pid, "SIGKILL");
  await Promise.race([answer, sleep(PING_TIMEOUT_MS)]);
}

export async function backgroundYes(ctx) {
  const seconds = Number(process.env.BORIS_BENCH_YES_SECONDS ?? 30);
  const { stdio, peers } = ctx.main;
  const boris = await watch(stdio, async () => {
    const started = await stdio.endpoint.call("bash", { command: "yes", run_in_background: true });
    const id = started.structured?.task_id ?? /task_id: (\S+)/.exec(started.text)?.[1];
    if (!id) throw new Error(`background yes did not start: ${started.text}`);
    await sleep(seconds * 1000);
    await stdio.endpoint.text("task_kill", { task_id: id });
  });
  ctx.log(
    `background yes ${seconds} s: boris RSS +${boris.growth.toFixed(1)} MB, ping p99 ${boris.pingP99.toFixed(2)} ms`,
  );
  const peerCells = {};
  const peerNotes = [];
  const dc = peers["desktop-commander"];
  if (dc) {
    const r = await watch(dc, () => dcBackgroundYes(dc.endpoint, seconds));
    peerCells["desktop-commander"] = r.growth;
    peerNotes.push(
      `desktop-commander ping p99 ${r.pingP99.toFixed(1)} ms` +
        `${r.missed ? `, ${r.missed} pings unanswered within ${PING_TIMEOUT_MS / 1000} s` : ""}`,
    );
    ctx.log(
      `background yes ${seconds} s: desktop-commander RSS +${r.growth.toFixed(1)} MB, ${r.missed} pings missed`,
    );
  }
  ctx.rows.push(
    row({
      figure: `background \`yes\` for ${seconds} s: server RSS growth`,
      unit: "MB",
      boris: boris.growth,
      peers: peerCells,
      measured: boris.growth,
      target: { max: BG_TARGET_MB, unit: "MB" },
      note:
        `peak over the run (VmHWM); Boris ping meanwhile p50 ${boris.pingP50.toFixed(2)} / p99 ${boris.pingP99.toFixed(2)} ms` +
        `${boris.missed ? `, ${boris.missed} unanswered` : ""}${peerNotes.length ? `; ${peerNotes.join("; ")}` : ""}`,
      detail: { ...boris, value: undefined },
    }),
  );
}

export async function foregroundFlood(ctx) {
  const bytes = Number(process.env.BORIS_BENCH_FLOOD_BYTES ?? 1e9);
  const { stdio } = ctx.main;
  const start = performance.now();
  const r = await watch(stdio, () =>
    stdio.endpoint.call("bash", { command: `yes | head -c ${bytes}`, timeout: 600_000 }),
  );
  const seconds = (performance.now() - start) / 1000;
  const stdout = String(r.value.structured?.stdout ?? "");
  const bounded = /characters omitted/.test(stdout) && stdout.length < 31_000;
  ctx.log(`foreground flood ${bytes / 1e9} GB in ${seconds.toFixed(1)} s: RSS +${r.growth.toFixed(1)} MB`);
  ctx.rows.push(
    row({
      figure: `foreground \`yes | head -c ${bytes / 1e9} GB\`: server RSS growth`,
      unit: "MB",
      boris: r.growth,
      note:
        `informational (SPEC: a few MB); ${(bytes / 1e6 / seconds).toFixed(0)} MB/s; ` +
        `result ${bounded ? "bounded head+tail" : "NOT BOUNDED"}; ping meanwhile p99 ${r.pingP99.toFixed(2)} ms; peers not run`,
      detail: { ...r, value: undefined, seconds },
    }),
  );
}
