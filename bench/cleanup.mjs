// Cleanup: DELETE of an HTTP session with 10 running background tasks, timed until the OS shows none
// of their processes left (/proc: no live member of any of their process groups).
import { readdirSync, readFileSync } from "node:fs";
import { startBorisHttp } from "./boris.mjs";
import { connectHttp } from "./http-client.mjs";
import { row } from "./report.mjs";
import { sleep, waitFor } from "./stats.mjs";

const TASKS = 10;
/** boris-http's kill grace (SIGTERM → 5 s → SIGKILL, SPEC §2). */
const GRACE_MS = 5000;
const KINDS = [
  { kind: "TERM-respecting", script: 'echo "pgid=$$"; sleep 1000', targetMs: 250 },
  {
    kind: "TERM-ignoring",
    // An ignored signal is inherited, so the `sleep` children ignore TERM as well.
    script: 'trap "" TERM; echo "pgid=$$"; while :; do sleep 0.1; done',
    targetMs: GRACE_MS + 1000,
  },
];

/** Live (not zombie) processes whose process group is in `pgids`. */
function liveMembers(pgids) {
  const found = [];
  for (const name of readdirSync("/proc")) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "latin1");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (pgids.has(Number(fields[2])) && fields[0] !== "Z" && fields[0] !== "X") found.push(Number(name));
  }
  return found;
}

async function measure(server, { script }) {
  const { endpoint } = await connectHttp({
    name: "cleanup",
    url: server.url,
    pid: server.pid,
    log: server.log,
  });
  const ids = [];
  for (let i = 0; i < TASKS; i++) {
    const r = await endpoint.call("bash", { command: script, run_in_background: true });
    ids.push(r.structured?.task_id ?? /task_id: (\S+)/.exec(r.text)?.[1]);
  }
  // Only measure once every task has printed its group (after its trap is set).
  const pgids = new Set();
  for (const id of ids) {
    await waitFor(
      async () => {
        const m = /pgid=(\d+)/.exec(await endpoint.text("task_output", { task_id: id }));
        if (m) pgids.add(Number(m[1]));
        return Boolean(m);
      },
      { what: `task ${id} to start` },
    );
  }
  const members = liveMembers(pgids).length;
  const start = performance.now();
  let answeredMs;
  const deleted = endpoint.terminate().then(() => {
    answeredMs = performance.now() - start;
  });
  while (liveMembers(pgids).length > 0) {
    if (performance.now() - start > GRACE_MS * 4) break;
    await sleep(2);
  }
  const goneMs = performance.now() - start;
  const left = liveMembers(pgids).length;
  await deleted;
  return { goneMs, answeredMs, members, left };
}

export async function cleanup(ctx) {
  const server = await startBorisHttp({ workdir: ctx.dirs.work });
  try {
    for (const k of KINDS) {
      const r = await measure(server, k);
      ctx.log(`DELETE with ${TASKS} ${k.kind} tasks: all gone in ${r.goneMs.toFixed(0)} ms (${r.left} left)`);
      ctx.rows.push(
        row({
          figure: `DELETE of a session with ${TASKS} ${k.kind} background tasks, until all are gone`,
          unit: "ms",
          boris: r.goneMs,
          measured: r.goneMs,
          target: { max: k.targetMs, unit: "ms" },
          ok: r.left === 0,
          note: `${r.members} processes before, ${r.left} after (checked in /proc); DELETE answered in ${r.answeredMs.toFixed(0)} ms`,
          detail: r,
        }),
      );
    }
  } finally {
    await server.stop();
  }
}
