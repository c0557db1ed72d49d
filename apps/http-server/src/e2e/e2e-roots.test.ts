import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bash, clientWithRoots, textOf } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, describe, expect, it } from "vitest";
import { connect, makeWorkdir, startServer } from "../test/harness.js";

// The client's workspace folders a, b and c; each server runs in a directory of its own.
const base = makeWorkdir();
const [a, b, c] = ["a", "b", "c"].map((n) => join(base, n)) as [string, string, string];
for (const dir of [a, b, c]) {
  mkdirSync(dir);
  writeFileSync(join(dir, "note.txt"), `note of ${dir}\n`);
}
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function pwd(client: Client): Promise<string> {
  return String((await bash(client, "pwd")).structured!.stdout).trim();
}

async function view(client: Client, path: string): Promise<string> {
  return textOf(await client.callTool({ name: "view", arguments: { path } }));
}

describe("boris-http with clients that offer roots", () => {
  it("scopes each session to its own client's roots and follows roots/list_changed", async () => {
    const home = makeWorkdir();
    writeFileSync(join(home, "note.txt"), "note of home\n");
    const server = await startServer(["--log-level", "info"], {}, home, { workdirFlag: false });
    const roots = clientWithRoots([a, b]);
    const withRoots = await connect(server.url, { client: roots.client });
    const plain = await connect(server.url);
    try {
      expect(await pwd(roots.client)).toBe(a);
      expect(await view(roots.client, "note.txt")).toContain(`note of ${a}`);
      expect(await view(roots.client, join(b, "note.txt"))).toContain(`note of ${b}`);
      expect(await view(roots.client, join(c, "note.txt"))).toMatch(
        `[ACCESS_DENIED] ${join(c, "note.txt")} is outside the client's roots: ${a}, ${b}.`,
      );
      const grep = await roots.client.callTool({ name: "grep", arguments: { pattern: "note", path: base } });
      expect(textOf(grep)).toMatch(/^\[ACCESS_DENIED\]/);

      // Another session of the same server, whose client offers no roots: as before.
      expect(await pwd(plain.client)).toBe(home);
      expect(await view(plain.client, join(c, "note.txt"))).toContain(`note of ${c}`);

      await roots.setRoots([c]);
      expect(await view(roots.client, join(c, "note.txt"))).toContain(`note of ${c}`);
      expect(await view(roots.client, join(a, "note.txt"))).toMatch(/^\[ACCESS_DENIED\]/);
      expect(await pwd(roots.client)).toBe(a);
      expect(roots.asked).toBe(2);
      expect(server.stderr()).toMatch(
        new RegExp(`session scoped to the client's roots session=${withRoots.sessionId} roots=${c}`),
      );
    } finally {
      await Promise.all([withRoots.client.close(), plain.client.close()]);
      await server.stop();
    }
  });

  it("never widens what --allow-dir allows", async () => {
    const server = await startServer(["--allow-dir", a], {}, makeWorkdir(), { workdirFlag: false });
    const roots = clientWithRoots([c, a]);
    const { client } = await connect(server.url, { client: roots.client });
    try {
      expect(await pwd(client)).toBe(server.workdir);
      expect(await view(client, join(c, "note.txt"))).toMatch(
        `[ACCESS_DENIED] ${join(c, "note.txt")} is outside the allowed directories: ${a}.`,
      );
      expect(await view(client, join(a, "note.txt"))).toContain(`note of ${a}`);
      expect(roots.asked).toBe(0);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
