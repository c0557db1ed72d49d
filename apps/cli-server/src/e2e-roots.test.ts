import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bash, clientWithRoots, textOf } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, describe, expect, it } from "vitest";
import { makeWorkdir, type StdioRun, startStdio } from "./test/harness.js";

// The server runs in `home`; the client's workspace folders are a, b and c beside it.
const base = makeWorkdir();
const [home, a, b, c] = ["home", "a", "b", "c"].map((n) => join(base, n)) as [string, string, string, string];
for (const dir of [home, a, b, c]) {
  mkdirSync(dir);
  writeFileSync(join(dir, "note.txt"), `note of ${dir}\n`);
}
writeFileSync(join(a, ".env"), "SECRET=1\n");
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function pwd(client: Client): Promise<string> {
  return String((await bash(client, "pwd")).structured!.stdout).trim();
}

async function view(client: Client, path: string): Promise<string> {
  return textOf(await client.callTool({ name: "view", arguments: { path } }));
}

async function stop(run: StdioRun): Promise<void> {
  run.child.stdin!.end();
  await run.exited;
}

describe("boris over stdio with a client that offers roots", () => {
  it("starts in the first root, reaches only the roots, and follows roots/list_changed", async () => {
    const roots = clientWithRoots([a, "https://example.com/repo", b]);
    const run = await startStdio(["--deny-dir", ".env"], { cwd: home, client: roots.client });
    try {
      expect(await pwd(roots.client)).toBe(a);
      expect(await view(roots.client, "note.txt")).toContain(`note of ${a}`);
      expect(await view(roots.client, join(b, "note.txt"))).toContain(`note of ${b}`);
      expect(await view(roots.client, join(c, "note.txt"))).toMatch(
        `[ACCESS_DENIED] ${join(c, "note.txt")} is outside the client's roots: ${a}, ${b}.`,
      );
      expect(await view(roots.client, join(home, "note.txt"))).toMatch(/^\[ACCESS_DENIED\]/);
      expect(await view(roots.client, ".env")).toMatch(/^\[ACCESS_DENIED\] .* deny pattern \.env/);
      const grep = await roots.client.callTool({ name: "grep", arguments: { pattern: "note", path: base } });
      expect(textOf(grep)).toMatch(/^\[ACCESS_DENIED\]/);
      const glob = await roots.client.callTool({ name: "glob", arguments: { pattern: "*.txt", path: b } });
      expect(textOf(glob)).toBe("note.txt");
      expect(run.stderr()).toContain(
        'client root ignored root=https://example.com/repo reason="only file:// roots count"',
      );

      await roots.setRoots([c]);
      expect(await view(roots.client, join(c, "note.txt"))).toContain(`note of ${c}`);
      expect(await view(roots.client, join(a, "note.txt"))).toMatch(/^\[ACCESS_DENIED\]/);
      expect(await view(roots.client, join(b, "note.txt"))).toMatch(/^\[ACCESS_DENIED\]/);
      // The cwd stays where the agent left it; relative paths there are refused now.
      expect(await pwd(roots.client)).toBe(a);
      expect(await view(roots.client, "note.txt")).toMatch(/^\[ACCESS_DENIED\]/);
      expect(roots.asked).toBe(2);
    } finally {
      await stop(run);
    }
  });

  it("never widens what --allow-dir allows, and starts in --workdir when given", async () => {
    const allowed = clientWithRoots([c, a]);
    const run = await startStdio(["--allow-dir", a], { cwd: home, client: allowed.client });
    try {
      expect(await pwd(allowed.client)).toBe(home);
      expect(await view(allowed.client, join(c, "note.txt"))).toMatch(
        `[ACCESS_DENIED] ${join(c, "note.txt")} is outside the allowed directories: ${a}.`,
      );
      expect(await view(allowed.client, join(a, "note.txt"))).toContain(`note of ${a}`);
      expect(allowed.asked).toBe(0);
    } finally {
      await stop(run);
    }

    const withWorkdir = clientWithRoots([a]);
    const run2 = await startStdio([], { workdir: b, cwd: home, client: withWorkdir.client });
    try {
      expect(await pwd(withWorkdir.client)).toBe(b);
      expect(await view(withWorkdir.client, join(c, "note.txt"))).toContain(`note of ${c}`);
      expect(withWorkdir.asked).toBe(0);
    } finally {
      await stop(run2);
    }
  });

  it("serves a client without roots as before: the server's cwd, everything reachable", async () => {
    const run = await startStdio([], { cwd: home });
    try {
      expect(await pwd(run.client)).toBe(home);
      expect(await view(run.client, join(c, "note.txt"))).toContain(`note of ${c}`);
    } finally {
      await stop(run);
    }
  });
});
