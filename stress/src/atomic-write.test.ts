import { chmodSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRunning, waitUntil } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, describe, expect, it } from "vitest";
import { call } from "./harness/results.js";
import { connectHttp, makeTempDir, removeDir, startHttp, startStdio } from "./harness/servers.js";

/** A few MB, so that writing it takes long enough to be interrupted in the middle. */
function bigContent(tag: string, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`line ${i} ${tag} ${"·".repeat(i % 40)} end\n`);
  return out.join("");
}

type Transport = "http" | "stdio";
type Edit = "create_file" | "str_replace";
type KillAt = "temp file appears" | "temp file renamed" | "random moment";

interface Server {
  client: Client;
  kill(): void;
  gone(): Promise<void>;
}

describe("atomic writes under SIGKILL of the server mid-edit", () => {
  const dir = makeTempDir("atomic");
  const file = join(dir, "big.txt");
  let current = bigContent("v0", 40_000);
  writeFileSync(file, current);
  chmodSync(file, 0o640);
  /** How long one whole edit takes unkilled, for the random kill moments. */
  let editMs = 50;

  afterAll(() => removeDir(dir));

  async function start(transport: Transport): Promise<Server> {
    if (transport === "http") {
      const server = await startHttp(["--workdir", dir, "--log-level", "warn"]);
      const { client } = await connectHttp(server.url);
      return {
        client,
        kill: () => server.proc.kill("SIGKILL"),
        gone: async () => {
          await server.exited;
          await client.close().catch(() => {});
        },
      };
    }
    const server = await startStdio(["--workdir", dir, "--log-level", "warn"]);
    return {
      client: server.client,
      kill: () => {
        if (isRunning(server.pid)) process.kill(server.pid, "SIGKILL");
      },
      gone: async () => {
        await waitUntil("the stdio server to die", () => !isRunning(server.pid));
        await server.close().catch(() => {});
      },
    };
  }

  /** Sends the edit; returns the content the file has if it completes. */
  function sendEdit(client: Client, edit: Edit, round: number): { expected: string; done: Promise<unknown> } {
    if (edit === "create_file") {
      const expected = bigContent(`v${round}`, 30_000 + ((round * 7919) % 30_000));
      return {
        expected,
        done: client.callTool({ name: "create_file", arguments: { path: "big.txt", content: expected } }),
      };
    }
    // Every line changes: the whole file is rewritten.
    const tag = /line 0 (\S+) /.exec(current)![1]!;
    const expected = current.replaceAll(` ${tag} `, ` v${round} `);
    return {
      expected,
      done: client.callTool({
        name: "str_replace",
        arguments: { path: "big.txt", old_str: ` ${tag} `, new_str: ` v${round} `, replace_all: true },
      }),
    };
  }

  it("measures one unkilled edit (the scale of the random kill moments)", async () => {
    const server = await start("http");
    await call(server.client, "view", { path: "big.txt", view_range: [1, 1] });
    const started = performance.now();
    const { expected, done } = sendEdit(server.client, "str_replace", 1);
    await done;
    editMs = Math.max(5, performance.now() - started);
    expect(readFileSync(file, "utf8")).toBe(expected);
    current = expected;
    server.kill();
    await server.gone();
  });

  it("leaves the complete old or the complete new file, never a torn one", async () => {
    // Every transport × edit × kill point, plus extra random moments.
    const rounds: [Transport, Edit, KillAt][] = [];
    for (const transport of ["http", "stdio"] as const) {
      for (const edit of ["create_file", "str_replace"] as const) {
        for (const killAt of ["temp file appears", "temp file renamed", "random moment"] as const) {
          rounds.push([transport, edit, killAt]);
        }
        rounds.push([transport, edit, "random moment"]);
      }
    }
    const outcomes: string[] = [];
    for (const [i, [transport, edit, killAt]] of rounds.entries()) {
      const round = i + 2;
      const server = await start(transport);
      await call(server.client, "view", { path: "big.txt", view_range: [1, 1] });
      const before = current;
      let watcher: ReturnType<typeof watch> | undefined;
      if (killAt !== "random moment") {
        const trigger = killAt === "temp file appears" ? ".boris-tmp" : "big.txt";
        watcher = watch(dir, (_event, name) => {
          if (name?.endsWith(trigger)) server.kill();
        });
      }
      const { expected, done } = sendEdit(server.client, edit, round);
      const settled = done.then(
        () => {},
        () => {},
      );
      if (killAt === "random moment") setTimeout(() => server.kill(), Math.random() * 1.2 * editMs);
      // If the edit finishes before the kill, it is killed anyway: the round is then "new".
      await Promise.race([settled, server.gone()]);
      server.kill();
      await server.gone();
      watcher?.close();

      const after = readFileSync(file, "utf8");
      const which = after === before ? "old" : after === expected ? "new" : "torn";
      outcomes.push(`${transport}/${edit}/${killAt}: ${which}`);
      expect(
        which,
        `round ${round}: ${after.length} chars, old ${before.length}, new ${expected.length}`,
      ).not.toBe("torn");
      expect(statSync(file).mode & 0o777).toBe(0o640);
      current = after;
    }
    // Kills landed mid-write, where the old content must survive, and after the rename (otherwise
    // this proved nothing).
    expect(
      outcomes.some((o) => o.endsWith("old")),
      outcomes.join("\n"),
    ).toBe(true);
    expect(
      outcomes.some((o) => o.endsWith("new")),
      outcomes.join("\n"),
    ).toBe(true);
    // Leftover temp files are the price of SIGKILL; none of them replaced the target.
    const temps = readdirSync(dir).filter((n) => n.endsWith(".boris-tmp"));
    expect(temps.every((n) => n.startsWith(".big.txt."))).toBe(true);
  });
});
