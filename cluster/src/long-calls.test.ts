import { readFileSync } from "node:fs";
import { join } from "node:path";
import { textOf } from "@boris-mcp/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { type Balancer, startNginx } from "./harness/balancers.js";
import { type ClusterSession, openSession } from "./harness/clients.js";
import { type Instance, makeRunDir, removeRunDir, startInstances } from "./harness/instances.js";
import { findBalancers, requireBalancer } from "./harness/tools.js";

const found = findBalancers();
const available = requireBalancer("nginx", found.nginx);

/** nginx cuts an upstream that sends nothing for this long: far below the command's 6 s. */
const READ_TIMEOUT = "2s";
const COMMAND = "echo run >> long.runs; sleep 6; echo slept";

describe.skipIf(!available)(`a 6 s call behind nginx with proxy_read_timeout ${READ_TIMEOUT}`, () => {
  let runDir: string | undefined;
  let instances: Instance[] = [];
  let balancer: Balancer | undefined;
  let session: ClusterSession | undefined;

  afterEach(async () => {
    await session?.close();
    await balancer?.stop();
    await Promise.all(instances.map((i) => i.stop()));
    if (runDir) removeRunDir(runDir);
    [runDir, balancer, session, instances] = [undefined, undefined, undefined, []];
  });

  /** Three instances with `--sse-keepalive keepalive` behind the shipped nginx config; one long call. */
  async function longCall(keepalive: string) {
    runDir = makeRunDir("long");
    instances = await startInstances(["boris-1", "boris-2", "boris-3"], runDir, [
      "--log-level",
      "warn",
      "--sse-keepalive",
      keepalive,
    ]);
    balancer = await startNginx(found.nginx!, instances, join(runDir, "nginx"), {
      readTimeout: READ_TIMEOUT,
    });
    session = await openSession(balancer.url);
    const result = await session.client.callTool(
      { name: "bash", arguments: { command: COMMAND } },
      undefined,
      {
        timeout: 60_000,
      },
    );
    const owner = instances.find((i) => i.id === session!.owner)!;
    return {
      text: textOf(result),
      runs: readFileSync(join(owner.workdir, "long.runs"), "utf8"),
      resumes: session.resumes.length,
    };
  }

  it("completes with keep-alives every 0.5 s: the stream is never idle long enough to be cut", async () => {
    const outcome = await longCall("0.5");
    expect(outcome.text).toContain("slept");
    expect(outcome).toMatchObject({ runs: "run\n", resumes: 0 });
  });

  it("without keep-alives nginx cuts the stream, and the client resumes through nginx to the owner: one run, the result", async () => {
    const outcome = await longCall("0");
    expect(outcome.text).toContain("slept");
    expect(outcome.runs).toBe("run\n");
    expect(outcome.resumes).toBeGreaterThan(0);
  });
});
