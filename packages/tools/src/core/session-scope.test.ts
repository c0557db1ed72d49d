import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Session } from "@boris-mcp/session";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { type CallToolResult, ListRootsRequestSchema, type Root } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createSessionServer } from "../index.js";
import { createPathScope } from "../scope/path-scope.js";
import { errorOf, removeDir, tempDir, testConfig, textOf } from "../test/file-support.js";
import { SessionScope } from "./session-scope.js";
import type { ToolConfig } from "./tool-config.js";
import type { RequestExtra } from "./tool-registry.js";

const dir = await tempDir("boris-session-scope-");
afterAll(() => removeDir(dir));
const start = path.join(dir, "start");
const [a, b, c] = ["a", "b", "c"].map((n) => path.join(dir, n)) as [string, string, string];
for (const d of [start, a, b, c]) {
  await mkdir(d);
  await writeFile(path.join(d, "note.txt"), `in ${path.basename(d)}\n`);
}
await writeFile(path.join(a, ".env"), "SECRET=1\n");
const root = (d: string): Root => ({ uri: pathToFileURL(d).href });

interface Logged {
  readonly level: "info" | "warn";
  readonly fields: object;
  readonly message: string;
}

interface RootsClient {
  readonly client: Client;
  readonly session: Session;
  readonly logged: Logged[];
  /** roots/list requests the client answered (or was asked). */
  asked: number;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  pwd(): Promise<string>;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

interface ConnectOptions {
  readonly config?: Partial<ToolConfig>;
  /** undefined: the client does not offer roots. */
  readonly roots?: () => Root[] | Promise<Root[]>;
  readonly rootsTimeoutMs?: number;
}

async function connect(options: ConnectOptions): Promise<RootsClient> {
  const session = new Session({ workdir: start, graceMs: 200 });
  const logged: Logged[] = [];
  const logger = {
    info: (fields: object, message: string) => logged.push({ level: "info", fields, message }),
    warn: (fields: object, message: string) => logged.push({ level: "warn", fields, message }),
  };
  const config = testConfig({ followClientRoots: true, ...options.config });
  const server = createSessionServer({ name: "t", version: "0", instructions: "" }, session, config, {
    logger,
    rootsTimeoutMs: options.rootsTimeoutMs,
  });
  const { roots } = options;
  const client = new Client(
    { name: "roots-client", version: "0" },
    { capabilities: roots ? { roots: { listChanged: true } } : {} },
  );
  const h: RootsClient = {
    client,
    session,
    logged,
    asked: 0,
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    pwd: async () => {
      const result = await h.call("bash", { command: "pwd" });
      return String((result.structuredContent as { stdout: string }).stdout).trim();
    },
  };
  if (roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      h.asked++;
      return { roots: await roots() };
    });
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  open.push(async () => {
    await client.close();
    await session.close();
  });
  return h;
}

const viewOk = async (h: RootsClient, p: string) =>
  expect(textOf(await h.call("view", { path: p }))).toContain("in ");
const denied = async (h: RootsClient, p: string) =>
  errorOf(await h.call("view", { path: p }), "ACCESS_DENIED");

describe("a session that follows its client's roots", () => {
  it("starts in the first root and reaches only the roots; the deny patterns still apply", async () => {
    const h = await connect({ roots: () => [root(a), root(b)] });
    expect(await h.pwd()).toBe(a);
    await viewOk(h, "note.txt");
    await viewOk(h, path.join(b, "note.txt"));
    expect(await denied(h, path.join(c, "note.txt"))).toContain(`outside the client's roots: ${a}, ${b}`);
    await denied(h, path.join(start, "note.txt"));
    await denied(h, "../c/note.txt");

    const grep = await h.call("grep", { pattern: "in", path: dir, output_mode: "files_with_matches" });
    expect(errorOf(grep, "ACCESS_DENIED")).toContain(dir);
    expect(textOf(await h.call("glob", { pattern: "*.txt", path: b }))).toContain("note.txt");
    const created = await h.call("create_file", { path: path.join(c, "new.txt"), content: "x" });
    errorOf(created, "ACCESS_DENIED");

    const h2 = await connect({
      roots: () => [root(a)],
      config: { pathScope: createPathScope({ denyPatterns: [".env"] }) },
    });
    expect(errorOf(await h2.call("view", { path: ".env" }), "ACCESS_DENIED")).toContain("deny pattern .env");
    expect(h.asked).toBe(1);
  });

  it("asks again after roots/list_changed; the cwd stays where it was", async () => {
    let roots = [root(a), root(b)];
    const h = await connect({ roots: () => roots });
    await viewOk(h, path.join(a, "note.txt"));
    roots = [root(c)];
    await h.client.sendRootsListChanged();
    await denied(h, path.join(a, "note.txt"));
    await viewOk(h, path.join(c, "note.txt"));
    expect(h.asked).toBe(2);
    // The cwd is not moved behind the agent's back: relative paths there are now refused.
    expect(await h.pwd()).toBe(a);
    await denied(h, "note.txt");
    expect(h.logged.some((l) => l.message.includes("outside the new roots"))).toBe(true);
    await viewOk(h, path.join(c, "note.txt"));
    expect(h.asked).toBe(2);
  });

  it("ignores roots other than file:// directories here, with a log line", async () => {
    const h = await connect({
      roots: () => [{ uri: "https://example.com/repo" }, root(path.join(dir, "missing")), root(b)],
    });
    expect(await h.pwd()).toBe(b);
    await denied(h, path.join(a, "note.txt"));
    const ignored = h.logged.filter((l) => l.message === "client root ignored").map((l) => l.fields);
    expect(ignored).toEqual([
      { root: "https://example.com/repo", reason: "only file:// roots count" },
      { root: pathToFileURL(path.join(dir, "missing")).href, reason: "no such directory on this machine" },
    ]);
  });

  it("without usable roots, is scoped as a client without roots", async () => {
    let roots: Root[] = [{ uri: "https://example.com/repo" }];
    const h = await connect({ roots: () => roots });
    expect(await h.pwd()).toBe(start);
    await viewOk(h, path.join(c, "note.txt"));
    roots = [root(a)];
    await h.client.sendRootsListChanged();
    await denied(h, path.join(c, "note.txt"));
    // Where the session started was decided by the first answer.
    expect(await h.pwd()).toBe(start);
    roots = [];
    await h.client.sendRootsListChanged();
    await viewOk(h, path.join(c, "note.txt"));
  });

  it("asks once for calls that arrive together, and once more for a change during the question", async () => {
    let release = () => {};
    let roots = [root(a)];
    const h = await connect({
      roots: async () => {
        const answer = roots;
        if (h.asked === 1) await new Promise<void>((r) => (release = r));
        return answer;
      },
    });
    const first = Promise.all([h.pwd(), h.call("view", { path: "note.txt" })]);
    await expect.poll(() => h.asked).toBe(1);
    roots = [root(b)];
    await h.client.sendRootsListChanged();
    release();
    // The session started in the first answer's root; the calls waiting for it got the newest roots.
    const [pwd, view] = await first;
    expect(pwd).toBe(a);
    expect(errorOf(view, "ACCESS_DENIED")).toContain(`outside the client's roots: ${b}`);
    await viewOk(h, path.join(b, "note.txt"));
    await denied(h, path.join(a, "note.txt"));
    expect(h.asked).toBe(2);
  });

  it("is scoped as without roots when the first roots/list fails, and keeps its roots when a later one does", async () => {
    let answer: () => Root[] = () => {
      throw new Error("no roots today");
    };
    const h = await connect({ roots: () => answer() });
    expect(await h.pwd()).toBe(start);
    await viewOk(h, path.join(c, "note.txt"));
    expect(h.logged.find((l) => l.level === "warn")?.message).toBe(
      "roots/list failed; the session is scoped as without roots",
    );
    answer = () => [root(a)];
    await h.client.sendRootsListChanged();
    await denied(h, path.join(c, "note.txt"));
    answer = () => {
      throw new Error("gone");
    };
    await h.client.sendRootsListChanged();
    await denied(h, path.join(c, "note.txt"));
    await viewOk(h, path.join(a, "note.txt"));
    expect(h.logged.filter((l) => l.level === "warn").at(-1)?.message).toBe(
      "roots/list failed; the session is keeping the scope it had",
    );
  });

  it("does not wait longer than the roots timeout for a client that never answers", async () => {
    const h = await connect({ roots: () => new Promise<Root[]>(() => {}), rootsTimeoutMs: 50 });
    expect(await h.pwd()).toBe(start);
    expect(h.logged.some((l) => l.level === "warn")).toBe(true);
  });
});

describe("a session that does not follow roots", () => {
  it("never asks a client without roots, and is scoped as configured", async () => {
    const h = await connect({});
    expect(await h.pwd()).toBe(start);
    await viewOk(h, path.join(c, "note.txt"));
  });

  it("ignores the roots when the operator set --workdir or --allow-dir", async () => {
    const h = await connect({
      roots: () => [root(c)],
      config: { followClientRoots: false, pathScope: createPathScope({ allowDirs: [a, start] }) },
    });
    expect(await h.pwd()).toBe(start);
    await viewOk(h, path.join(a, "note.txt"));
    await denied(h, path.join(c, "note.txt"));
    await h.client.sendRootsListChanged();
    await denied(h, path.join(c, "note.txt"));
    expect(h.asked).toBe(0);
  });
});

describe("SessionScope", () => {
  /** The part of a request's `extra` SessionScope uses; sendRequest refuses once aborted, as the SDK's does. */
  function fakeCall(answer: () => Promise<Root[]>) {
    const controller = new AbortController();
    const extra = {
      signal: controller.signal,
      sendRequest: async () => {
        if (controller.signal.aborted) throw new Error("Request was cancelled");
        return { roots: await answer() };
      },
    };
    return { cancel: () => controller.abort(), extra: extra as unknown as RequestExtra };
  }

  it("leaves the roots unsettled when the call carrying the question is cancelled meanwhile", async () => {
    const session = new Session({ workdir: start });
    open.push(() => session.close());
    const scope = new SessionScope({
      operatorScope: createPathScope(),
      session,
      clientOffersRoots: () => true,
    });
    expect(scope.ready).toBeUndefined();
    let answerFirst = (_roots: Root[]) => {};
    const carrier = fakeCall(() => new Promise<Root[]>((r) => (answerFirst = r)));
    const waiting = scope.settle(carrier.extra);
    carrier.cancel();
    scope.rootsChanged();
    answerFirst([root(a)]);
    // The cancelled call does not run, and cannot carry the next question.
    expect(await waiting).toBeUndefined();
    expect(session.cwd).toBe(a);
    expect(scope.ready).toBeUndefined();
    const next = await scope.settle(fakeCall(async () => [root(b)]).extra);
    expect(next?.allowDirs).toEqual([b]);
    expect(scope.ready).toBe(next);
  });
});
