// A bash command far over Linux's 128 KiB limit for one argument (a 1 MiB heredoc), through the SDK
// client against the built binaries, over stdio and HTTP.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { killAll } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { connectHttp, leftovers, makeTempDir, removeDir, startHttp, startStdio } from "./harness/servers.js";

const dir = makeTempDir("big-command");
const marks: string[] = [];
afterAll(() => {
  for (const mark of marks) killAll(leftovers(mark));
  removeDir(dir);
});

/** 1 MiB of numbered 64-byte lines. */
const DATA = Array.from(
  { length: 16 * 1024 },
  (_, i) => `${String(i).padStart(8, "0")}${"x".repeat(55)}\n`,
).join("");

async function writeWithHeredoc(client: Client, name: string): Promise<void> {
  const command = `cat > ${name} <<'BORIS_EOF'\n${DATA}BORIS_EOF\nwc -c < ${name}; readlink /proc/$$/fd/0; pwd`;
  const result = (await client.callTool({ name: "bash", arguments: { command } })) as CallToolResult;
  expect(result.isError).toBeFalsy();
  expect(result.structuredContent).toMatchObject({
    exit_code: 0,
    stdout: `1048576\n/dev/null\n${dir}\n`,
    cwd: dir,
  });
  expect(readFileSync(join(dir, name), "utf8")).toBe(DATA);
}

describe("a 1 MiB heredoc through bash", () => {
  it("runs over stdio", async () => {
    const server = await startStdio(["--workdir", dir]);
    marks.push(server.mark);
    try {
      await writeWithHeredoc(server.client, "stdio.txt");
    } finally {
      await server.close();
    }
  });

  it("runs over HTTP", async () => {
    const server = await startHttp(["--workdir", dir]);
    marks.push(server.mark);
    try {
      const { client } = await connectHttp(server.url);
      await writeWithHeredoc(client, "http.txt");
      await client.close();
    } finally {
      await server.stop();
    }
  });
});
