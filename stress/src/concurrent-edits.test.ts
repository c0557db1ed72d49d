// SPEC §3.4: edits are serialized per server and per real path, and the changed-since-view check is
// repeated right before the rename, so two sessions never lose an edit. Two SDK clients on two
// sessions of the built `boris-http`.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { call } from "./harness/results.js";
import { connectHttp, type HttpServer, makeTempDir, removeDir, startHttp } from "./harness/servers.js";

const ROUNDS = 100;

function text(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

describe("two sessions editing one file at the same time", () => {
  const dir = makeTempDir("concurrent-edits");
  const file = join(dir, "shared.txt");
  let server: HttpServer | undefined;
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await server?.stop();
    removeDir(dir);
  });

  it(`both edits land or the loser gets FILE_CHANGED_SINCE_VIEW, never a silent loss (${ROUNDS} rounds)`, async () => {
    server = await startHttp(["--workdir", dir, "--log-level", "warn"]);
    const a = (await connectHttp(server.url)).client;
    const b = (await connectHttp(server.url)).client;
    clients.push(a, b);
    const outcomes = { both: 0, aLost: 0, bLost: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const lines = Array.from({ length: 10 }, (_, i) => `round ${round} line ${i + 1}`);
      writeFileSync(file, `${lines.join("\n")}\n`);
      await call(a, "view", { path: "shared.txt" });
      await call(b, "view", { path: "shared.txt" });
      const [ra, rb] = (await Promise.all([
        a.callTool({
          name: "str_replace",
          arguments: { path: "shared.txt", old_str: `round ${round} line 3`, new_str: `A edited line 3` },
        }),
        b.callTool({
          name: "str_replace",
          arguments: { path: "shared.txt", old_str: `round ${round} line 7`, new_str: `B edited line 7` },
        }),
      ])) as [CallToolResult, CallToolResult];
      const content = readFileSync(file, "utf8");
      const hasA = content.includes("A edited line 3");
      const hasB = content.includes("B edited line 7");
      const detail = `round ${round}: A ${text(ra)} | B ${text(rb)} | file has A: ${hasA}, B: ${hasB}`;
      // Whoever was told "Edited" has its edit in the file.
      if (!ra.isError) expect(hasA, detail).toBe(true);
      if (!rb.isError) expect(hasB, detail).toBe(true);
      // Whoever was refused was refused as a stale view, and its edit is not there.
      if (ra.isError) expect(text(ra), detail).toMatch(/^\[FILE_CHANGED_SINCE_VIEW\] /);
      if (rb.isError) expect(text(rb), detail).toMatch(/^\[FILE_CHANGED_SINCE_VIEW\] /);
      expect(Boolean(ra.isError && rb.isError), detail).toBe(false);
      if (hasA && hasB) outcomes.both++;
      else if (hasB) outcomes.aLost++;
      else outcomes.bLost++;
    }
    console.log(`outcomes over ${ROUNDS} rounds: ${JSON.stringify(outcomes)}`);
  });
});
