import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { processesWithEnv, textOf, waitFor } from "@boris-mcp/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Balancer, type HaproxyBalancer, startHaproxy, startNginx } from "./harness/balancers.js";
import {
  type ClusterSession,
  inBatches,
  isSessionNotFound,
  openSession,
  run,
  stdoutOf,
} from "./harness/clients.js";
import { type Instance, makeRunDir, removeRunDir, startInstances } from "./harness/instances.js";
import { rawGetStream, rawSession } from "./harness/raw.js";
import { findBalancers, requireBalancer } from "./harness/tools.js";

const IDS = ["boris-1", "boris-2", "boris-3"] as const;
const SESSIONS = 30;
const CALLS_PER_SESSION = 20;
/** The instance the failover test kills. */
const VICTIM = "boris-2";

const found = findBalancers();
const KINDS = [
  ["haproxy", requireBalancer("haproxy", found.haproxy)],
  ["nginx", requireBalancer("nginx", found.nginx)],
] as const;

/** A foreground command that moves one directory down and says where it runs. */
const STEP = 'mkdir -p d && cd d && echo "$BORIS_INSTANCE_ID $PWD"';
const WHERE = 'echo "$BORIS_INSTANCE_ID $PWD"';

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

const show = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort()
    .map(([id, n]) => `${id}: ${n}`)
    .join(", ");

for (const [kind, available] of KINDS) {
  describe.skipIf(!available)(`three boris-http instances behind ${kind} (deploy/ config)`, () => {
    let runDir: string;
    let instances: Instance[];
    let balancer: Balancer;
    const sessions: ClusterSession[] = [];
    const byId = (id: string) => instances.find((i) => i.id === id)!;
    /** What the suite prints at the end: the figures of this balancer's run. */
    const summary: string[] = [];
    let calls = 0;

    /** The session's cwd after `depth` STEPs, as its owner sees it. */
    const cwdAt = (s: ClusterSession, depth: number) => `${byId(s.owner).workdir}${"/d".repeat(depth)}`;

    async function call(s: ClusterSession, command: string): Promise<string> {
      calls++;
      return stdoutOf(await run(s, command));
    }

    beforeAll(async () => {
      runDir = makeRunDir(kind);
      instances = await startInstances(IDS, runDir, ["--log-level", "warn", "--sse-keepalive", "1"]);
      balancer =
        kind === "haproxy"
          ? await startHaproxy(found.haproxy!, instances, join(runDir, "haproxy"))
          : await startNginx(found.nginx!, instances, join(runDir, "nginx"));
    });

    afterAll(async () => {
      await Promise.all(sessions.map((s) => s.close()));
      await balancer?.stop();
      await Promise.all((instances ?? []).map((i) => i.stop()));
      if (summary.length > 0)
        console.log(`cluster suite (${kind}): ${[...summary, `${calls} tool calls in all`].join("; ")}`);
      if (runDir) removeRunDir(runDir);
    });

    it(`spreads ${SESSIONS} new sessions over the three instances, each owning the ids it issued`, async () => {
      for (let n = 0; n < SESSIONS; n++) sessions.push(await openSession(balancer.url));
      const perInstance = countBy(sessions, (s) => s.owner);
      expect(Object.keys(perInstance).sort()).toEqual([...IDS]);
      for (const instance of instances) {
        expect((await instance.health()).sessions).toBe(perInstance[instance.id]);
      }
      summary.push(`${SESSIONS} sessions → ${show(perInstance)}`);
    });

    it(`sends every call of a session to its owner: the cwd persists over ${CALLS_PER_SESSION} calls, $BORIS_INSTANCE_ID agrees`, async () => {
      await inBatches(sessions, 10, async (s) => {
        for (let depth = 1; depth <= CALLS_PER_SESSION; depth++) {
          expect(await call(s, STEP)).toBe(`${s.owner} ${cwdAt(s, depth)}`);
        }
      });
      summary.push(
        `${calls} calls (${CALLS_PER_SESSION} per session), each on its session's owner: cwd kept, $BORIS_INSTANCE_ID agreed`,
      );
    });

    it("sends background tasks, task_output and DELETE to the owner; DELETE leaves no process on any instance", async () => {
      const fresh = await Promise.all(Array.from({ length: 6 }, () => openSession(balancer.url)));
      await Promise.all(
        fresh.map(async (s) => {
          const start = async (command: string) => {
            calls++;
            const result = await s.client.callTool({
              name: "bash",
              arguments: { command, run_in_background: true },
            });
            return /task_id: (\S+)/.exec(textOf(result))![1]!;
          };
          const report = await start('echo "$BORIS_INSTANCE_ID $BORIS_SESSION"');
          await start("sleep 300");
          await call(s, "sleep 300 >/dev/null 2>&1 &"); // left behind by a foreground command
          calls++;
          const output = textOf(
            await s.client.callTool({ name: "task_output", arguments: { task_id: report, block: true } }),
          );
          const [, instance, marker] = /stdout:\n(\S+) (\S+)/.exec(output)!;
          expect(instance).toBe(s.owner);
          const marked = () => processesWithEnv(`BORIS_SESSION=${marker}`);
          expect(marked().length).toBeGreaterThanOrEqual(2);
          await s.transport.terminateSession();
          // Asked of the whole system, so of every instance.
          expect(await waitFor(() => marked().length === 0)).toBe(true);
          await s.close();
        }),
      );
      summary.push("DELETE of 6 sessions with tasks left no process");
    });

    it("streams SSE through the balancer: progress arrives while the command runs, a GET stream stays open", async () => {
      const s = sessions[0]!;
      const gate = join(runDir, `gate-${kind}`);
      const progress: string[] = [];
      calls++;
      const result = await s.client.callTool(
        {
          name: "bash",
          arguments: { command: `echo first; until [ -e ${gate} ]; do sleep 0.05; done; echo second` },
        },
        undefined,
        {
          timeout: 30_000,
          onprogress: (p) => {
            progress.push(p.message ?? "");
            // The command waits for this file: it ends only if the first line came through unbuffered.
            if (p.message?.includes("first")) writeFileSync(gate, "");
          },
        },
      );
      expect(textOf(result)).toContain("second");
      expect(progress.join("")).toContain("first");

      const raw = await rawSession(balancer.url);
      const stream = await rawGetStream(balancer.url, raw);
      expect(stream.contentType).toContain("text/event-stream");
      expect(await stream.firstChunk).toContain(": keepalive");
      stream.close();
    });

    if (kind === "haproxy") {
      it("learns each session's instance from the responses (stick table), and routes by the id's prefix when the table forgets", async () => {
        const admin = (balancer as HaproxyBalancer).admin;
        const table = await admin("show table boris");
        for (const s of sessions) {
          const entry = new RegExp(`key=${s.sessionId.replace(".", "\\.")} .*server_id=(\\d+)`).exec(table);
          expect(entry, `stick entry of ${s.sessionId}`).not.toBeNull();
          expect(IDS[Number(entry![1]) - 1]).toBe(s.owner);
        }
        await admin("clear table boris");
        expect(await admin("show table boris")).not.toContain("key=");
        await inBatches(sessions, 10, async (s) => {
          expect(await call(s, WHERE)).toBe(`${s.owner} ${cwdAt(s, CALLS_PER_SESSION)}`);
        });
        summary.push(
          `stick table held all ${sessions.length} ids; after clearing it, the id prefix routed every session to its owner`,
        );
      });
    }

    it("turns only a dead instance's sessions into 404; their clients start over on a live instance; the others carry on", async () => {
      const victim = byId(VICTIM);
      await victim.crash();
      const reopened: ClusterSession[] = [];
      let kept = 0;
      await inBatches(sessions, 10, async (s) => {
        if (s.owner !== VICTIM) {
          // Its state is intact: the cwd of its last call.
          expect(await call(s, WHERE)).toBe(`${s.owner} ${cwdAt(s, CALLS_PER_SESSION)}`);
          kept++;
          return;
        }
        const error = await call(s, WHERE).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(isSessionNotFound(error), `404 for ${s.sessionId}, got ${String(error)}`).toBe(true);
        // What a client does with a 404: initialize again (the balancer picks a live instance).
        const fresh = await openSession(balancer.url);
        reopened.push(fresh);
        expect(fresh.owner).not.toBe(VICTIM);
        expect(await call(fresh, WHERE)).toBe(`${fresh.owner} ${byId(fresh.owner).workdir}`);
      });
      sessions.push(...reopened);
      const lost = sessions.filter((s) => s.owner === VICTIM).length;
      expect(reopened.length).toBe(lost);
      expect(kept).toBe(SESSIONS - lost);
      summary.push(
        `failover: killed ${VICTIM} → its ${lost} sessions got 404 and re-initialized on ${show(countBy(reopened, (s) => s.owner))}; the other ${kept} kept working`,
      );
    });
  });
}
