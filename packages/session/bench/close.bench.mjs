// How long Session.close() takes for ten running background tasks. Tasks are terminated in
// parallel, so ten tasks that ignore SIGTERM cost one grace period, not ten.
// Run after a build: `npm run bench` (or `node bench/close.bench.mjs`) in packages/session.
import { tmpdir } from "node:os";
import { spawnGroup } from "@boris-mcp/process-group";
import { Session } from "../dist/index.js";

const TASKS = 10;
const SCRIPTS = {
  "TERM-respecting": "echo ready; sleep 1000",
  // An ignored signal is inherited, so the `sleep` children ignore TERM as well.
  "TERM-ignoring": 'trap "" TERM; echo ready; while :; do sleep 0.1; done',
};

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(cond, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the tasks to start");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function measure(kind, graceMs) {
  const session = new Session({ workdir: tmpdir(), graceMs });
  const tasks = [];
  for (let i = 0; i < TASKS; i++) {
    tasks.push(
      session.addTask(kind, () =>
        spawnGroup("bash", ["-c", SCRIPTS[kind]], { cwd: session.cwd, env: session.env }),
      ),
    );
  }
  // Only measure once every trap is set, or TERM could land before it.
  await waitUntil(() => tasks.every((task) => task.stdout.toString().includes("ready")));
  const started = performance.now();
  await session.close();
  const ms = performance.now() - started;
  const survivors = tasks.filter((task) => isRunning(task.pid)).length;
  return { ms, survivors };
}

const rows = [];
for (const graceMs of [5000, 500]) {
  for (const kind of Object.keys(SCRIPTS)) {
    const { ms, survivors } = await measure(kind, graceMs);
    rows.push({
      tasks: `${TASKS} ${kind}`,
      "grace ms": graceMs,
      "close() ms": Math.round(ms),
      "in graces": (ms / graceMs).toFixed(2),
      survivors,
    });
  }
}
console.table(rows);
console.log("Serial termination of the TERM-ignoring tasks would take", TASKS, "graces.");
