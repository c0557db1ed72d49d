// SPEC §5 "the check holds under races" and §3.3 "special files never block": a second process
// flips names inside the allowed dir as fast as it can while the file tools work on them, through
// the SDK client against the built `boris`.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { makeTempDir, removeDir, type StdioServer, startStdio } from "./harness/servers.js";
import { type Swapper, startSwapper } from "./harness/swapper.js";
import { snapshot } from "./harness/tree.js";

const CALLS = 1000;
/** A deadline for each call: a server whose thread pool is stuck in open() never answers. */
const CALL_DEADLINE_MS = 30_000;
const SECRET = "OUTSIDE-SECRET";

interface Outcome {
  readonly code: string;
  readonly text: string;
}

function outcome(result: CallToolResult): Outcome {
  const first = result.content[0];
  const text = first?.type === "text" ? first.text : JSON.stringify(result.content);
  if (!result.isError) return { code: "ok", text };
  return { code: /^\[([A-Z_]+)\]/.exec(text)?.[1] ?? "?", text };
}

/** `count` calls made by `inFlight` workers; resolves with every outcome. */
async function hammer(
  client: Client,
  count: number,
  inFlight: number,
  call: (i: number) => { name: string; arguments: Record<string, unknown> },
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const result = await client.callTool(call(i), undefined, { timeout: CALL_DEADLINE_MS });
      out.push(outcome(result as CallToolResult));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return out;
}

function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.code] = (counts[o.code] ?? 0) + 1;
  return counts;
}

describe("file tools under a name-swapping attacker", () => {
  const root = makeTempDir("races");
  const allowed = join(root, "allowed");
  const outside = join(root, "outside");
  mkdirSync(join(allowed, ".realsub"), { recursive: true });
  mkdirSync(join(outside, "dir"), { recursive: true });
  writeFileSync(join(allowed, ".keep"), "inside alpha\n");
  writeFileSync(join(allowed, ".keep-pipe"), "inside pipe\n");
  execFileSync("mkfifo", [join(allowed, ".fifo")]);
  // Contains old_str too: a str_replace that read it would also edit it.
  writeFileSync(join(outside, "secret.txt"), `${SECRET} alpha\n`);

  let server: StdioServer | undefined;
  let swapper: Swapper | undefined;
  afterEach(async () => {
    await swapper?.stop().catch(() => {});
    swapper = undefined;
    if (server) {
      // Left over by a failed test: possibly stuck in open() on a FIFO, which no close() ends.
      try {
        process.kill(server.pid, "SIGKILL");
      } catch {}
      await server.close().catch(() => {});
      server = undefined;
    }
  });
  afterAll(() => removeDir(root));

  const start = (...extra: string[]) =>
    startStdio([
      ...extra,
      "--workdir",
      allowed,
      "--allow-dir",
      allowed,
      // Every call acts at once; view-before-edit would refuse most edits of a name that keeps changing.
      "--require-view-before-edit",
      "false",
      "--log-level",
      "warn",
    ]);

  it(`view, str_replace and create_file (${CALLS} calls each) never read or write outside`, async () => {
    const before = snapshot(outside);
    server = await start();
    swapper = await startSwapper([
      {
        name: join(allowed, "target"),
        linkFrom: join(allowed, ".keep"),
        otherSymlinkTo: join(outside, "secret.txt"),
      },
      {
        name: join(allowed, "sub"),
        symlinkTo: join(allowed, ".realsub"),
        otherSymlinkTo: join(outside, "dir"),
      },
    ]);
    const client = server.client;
    const [views, edits, creates] = await Promise.all([
      hammer(client, CALLS, 2, () => ({ name: "view", arguments: { path: "target" } })),
      hammer(client, CALLS, 2, () => ({
        name: "str_replace",
        arguments: { path: "target", old_str: "alpha", new_str: "beta" },
      })),
      hammer(client, CALLS, 2, (i) => ({
        name: "create_file",
        arguments:
          i % 2 ? { path: "target", content: `created ${i}\n` } : { path: `sub/c-${i}.txt`, content: "c\n" },
      })),
    ]);
    const flips = await swapper.stop();
    swapper = undefined;
    const counts = { view: tally(views), str_replace: tally(edits), create_file: tally(creates) };
    console.log(`${flips} flips during the calls; outcomes ${JSON.stringify(counts)}`);

    // Nothing outside was read, changed or created.
    for (const o of [...views, ...edits, ...creates]) expect(o.text).not.toContain(SECRET);
    expect(snapshot(outside)).toEqual(before);
    // Every refusal is ACCESS_DENIED; str_replace may also find the file changed under it (the
    // swapper did replace it), which is the edit's own answer, not a scope decision.
    expect(Object.keys(counts.view).sort()).toEqual(["ACCESS_DENIED", "ok"]);
    expect(Object.keys(counts.create_file).sort()).toEqual(["ACCESS_DENIED", "ok"]);
    for (const code of Object.keys(counts.str_replace)) {
      expect(["ok", "ACCESS_DENIED", "FILE_CHANGED_SINCE_VIEW", "STR_REPLACE_NOT_FOUND"]).toContain(code);
    }
    expect(counts.str_replace.ok).toBeGreaterThan(0);
    expect(counts.str_replace.ACCESS_DENIED).toBeGreaterThan(0);
    await server.close();
    server = undefined;
  });

  it("a name flipped between a file and a FIFO never blocks a thread: every call answers", async () => {
    server = await start();
    swapper = await startSwapper([
      {
        name: join(allowed, "pipe"),
        linkFrom: join(allowed, ".keep-pipe"),
        otherLinkFrom: join(allowed, ".fifo"),
      },
    ]);
    // More at once than libuv has threads (4): blocked opens would leave nothing for anyone.
    const views = await hammer(server.client, 300, 8, () => ({ name: "view", arguments: { path: "pipe" } }));
    const flips = await swapper.stop();
    swapper = undefined;
    const counts = tally(views);
    console.log(`${flips} flips during the calls; outcomes ${JSON.stringify(counts)}`);
    expect(Object.keys(counts).sort()).toEqual(["IO_ERROR", "ok"]);
    for (const o of views) {
      if (o.code === "ok") expect(o.text).toBe("     1\tinside pipe");
      else expect(o.text).toContain("is not a regular file or directory");
    }
    // And the server still serves file calls.
    const after = outcome(
      (await server.client.callTool({ name: "view", arguments: { path: ".keep" } })) as CallToolResult,
    );
    expect(after).toEqual({ code: "ok", text: "     1\tinside alpha" });
    await server.close();
    server = undefined;
  });

  it("view of a file that `yes` keeps growing reads what the size check allowed and says so", async () => {
    // `yes`, paced at 16 KiB a millisecond at most: it never stops growing, yet on a loaded box
    // the size check still finds it far under the limit (a bare `yes` passed 64 MB before the call).
    server = await start("--max-file-size", "256MB");
    const log = join(allowed, "yes.log");
    const fd = openSync(log, "w");
    const pacedYes =
      'my $b = "y\\n" x 8192; while (1) { syswrite(STDOUT, $b); select(undef, undef, undef, 0.001); }';
    const yes = spawn("perl", ["-e", pacedYes], { stdio: ["ignore", fd, "ignore"] });
    closeSync(fd);
    try {
      expect(await waitFor(() => statSync(log).size > 1024 * 1024)).toBe(true);
      const result = outcome(
        (await server.client.callTool({ name: "view", arguments: { path: "yes.log" } }, undefined, {
          timeout: CALL_DEADLINE_MS,
        })) as CallToolResult,
      );
      expect(result.code).toBe("ok");
      expect(result.text).toContain("yes.log was still growing while it was read");
      const lines = Number(/Truncated: file has (\d+) lines/.exec(result.text)?.[1]);
      // Each line is "y\n": what was counted fits the limit the size check applied.
      expect(lines * 2).toBeLessThanOrEqual(256 * 1024 * 1024);
    } finally {
      yes.kill("SIGKILL");
    }
    await server.close();
    server = undefined;
  });
});
