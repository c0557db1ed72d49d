import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { killAll, textOf } from "@boris-mcp/test-support";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type CallToolResult, McpError } from "@modelcontextprotocol/sdk/types.js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processesOfServer } from "./harness/processes.js";
import { ERROR_CODES } from "./harness/results.js";
import {
  connectHttp,
  type HttpServer,
  leftovers,
  makeTempDir,
  removeDir,
  startHttp,
} from "./harness/servers.js";
import { snapshot } from "./harness/tree.js";

/** Runs per property; each run makes up to 5 calls. FUZZ_RUNS=n overrides for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const MAX_FILE_SIZE = 256 * 1024;

// ---- The world: an allowed dir the server may touch, and sentinels around it that it must not. ----

const root = makeTempDir("fuzz");
const allowed = join(root, "allowed");
const sentinel = join(root, "sentinel");

function buildAllowed(): void {
  mkdirSync(join(allowed, "sub", "deep"), { recursive: true });
  writeFileSync(join(allowed, "a.txt"), "needle one\nneedle two\nthird line\n");
  writeFileSync(join(allowed, "sub", "b.ts"), "export const needle = 1;\n");
  writeFileSync(join(allowed, "sub", "deep", "c.md"), "# needle\n");
  writeFileSync(join(allowed, ".hidden"), "needle hidden\n");
  writeFileSync(join(allowed, "crlf.txt"), "needle\r\nline\r\n");
  writeFileSync(join(allowed, "img.png"), Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
  writeFileSync(join(allowed, "bin.dat"), Buffer.from([0, 1, 2, 0, 110, 101, 101, 100, 108, 101]));
  symlinkSync("../sentinel", join(allowed, "escape-dir"));
  symlinkSync("../sentinel/secret.txt", join(allowed, "escape-file"));
  symlinkSync(".", join(allowed, "loop"));
}

/** (Re)builds everything outside the allowed dir; returns its snapshot. */
function buildOutside(): Record<string, string> {
  for (const name of readdirSync(root))
    if (name !== "allowed") rmSync(join(root, name), { recursive: true, force: true });
  mkdirSync(join(sentinel, "nested"), { recursive: true });
  // The sentinels hold the text the fuzzer edits, so a scoping hole would change them.
  writeFileSync(join(sentinel, "secret.txt"), "needle secret\nneedle one\n");
  writeFileSync(join(sentinel, "nested", "x.txt"), "needle nested\n");
  writeFileSync(join(root, "root-secret.txt"), "needle root\n");
  return snapshot(root, ["allowed"]);
}

// ---- Generators ----

const oddChar = fc.constantFrom(
  "\u0000",
  "\u202e",
  "\ud800",
  "\udfff",
  "\ufeff",
  "\u00e9",
  "e\u0301",
  "😀",
  "\n",
  "\r",
  "\t",
  " ",
  "/",
  "\\",
  ".",
  "..",
  "*",
  "?",
  "[",
  "]",
  "{",
  "}",
  "(",
  ")",
  "|",
  "^",
  "$",
  "~",
  "%",
  "'",
  '"',
  "`",
  ":",
  "#",
  "-",
  "a",
  "b",
  "needle",
);
const oddString = fc.oneof(
  fc.string({ unit: oddChar, maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);
const hugeString = fc
  .tuple(
    fc.integer({ min: 1000, max: 150_000 }),
    fc.constantFrom("x", "😀", "\u0000", "../", "needle\n", "é"),
  )
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));
const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Names the fuzzer may create outside the allowed dir if scoping failed. */
const OUTSIDE_NEW = ["sentinel/new-by-fuzz.txt", "sentinel/nested/new/f.txt", "new-at-root.txt"];
const OUTSIDE_EXISTING = ["sentinel/secret.txt", "sentinel/nested/x.txt", "root-secret.txt", "sentinel", "."];

const pathArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom("a.txt", "sub", "sub/b.ts", "sub/deep/c.md", ".hidden", "crlf.txt"),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom("img.png", "bin.dat", ".", "", "/", "loop/a.txt", "loop/loop/sub"),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "escape-dir",
      "escape-dir/secret.txt",
      "escape-file",
      "escape-dir/nested/x.txt",
      "escape-dir/new.txt",
    ),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `new-${s}.txt`) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `newdir/${s}/f.txt`) },
  // Absolute paths outside.
  {
    weight: 2,
    arbitrary: fc.constantFrom(...[...OUTSIDE_EXISTING, ...OUTSIDE_NEW].map((p) => join(root, p))),
  },
  // `../` chains: one level lands in the sentinel dir, enough levels reach / and come back down.
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 60 }), fc.constantFrom(...OUTSIDE_EXISTING, ...OUTSIDE_NEW))
      .map(([k, tail]) => {
        const up = "../".repeat(k);
        // From allowed/, k ups reach root when k = 1 and / when k >= depth(allowed).
        const depth = allowed.split("/").length - 1;
        return k === 1 ? `${up}${tail}` : k >= depth ? `${up}${root.slice(1)}/${tail}` : `${up}${tail}`;
      }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "sub/../../sentinel/secret.txt",
      "./././../sentinel/new-by-fuzz.txt",
      `sub/deep/../../../${basename(root)}/../${basename(root)}/root-secret.txt`,
      "..//sentinel//secret.txt",
      "..\\sentinel\\secret.txt",
      "sub/./../../sentinel/nested/",
      "escape-dir/../allowed/a.txt",
      "%2e%2e/sentinel/secret.txt",
      "~/../sentinel",
    ),
  },
  // NUL bytes inside otherwise plausible paths.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("a.txt", "../sentinel/secret.txt", "new.txt", "sub/"), fc.nat(12))
      .map(([p, at]) => `${p.slice(0, at)}\u0000${p.slice(at)}`),
  },
  { weight: 2, arbitrary: oddString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: anyJson },
);

const intLike = fc.oneof(
  fc.integer(),
  fc.integer({ min: -3, max: 50 }),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, Number.MAX_VALUE, -0),
  anyJson,
);
const boolLike = fc.oneof(fc.boolean(), anyJson);
const textLike = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("needle", "needle one", "one", "\n", "line", "needle\r\n") },
  { weight: 3, arbitrary: oddString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: anyJson },
  { weight: 1, arbitrary: fc.constant("") },
);
const patternLike = fc.oneof(
  fc.constantFrom(
    "needle",
    "(?i)NEEDLE",
    "ne+dle$",
    "(a+)+$",
    "[",
    "(",
    "\\",
    "*",
    "**/*",
    "*.{ts,md}",
    "[!a]*",
    "{",
    "\\p{L}+",
    "(?s)one.*two",
  ),
  oddString,
  hugeString,
  anyJson,
);
const viewRange = fc.oneof(
  fc.tuple(fc.integer({ min: -3, max: 10 }), fc.integer({ min: -3, max: 10 })),
  fc.tuple(intLike, intLike),
  fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
  anyJson,
);

/** An argument object: each field present with a generated value or left out, plus stray keys. */
function argsOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const optional = Object.fromEntries(
    Object.entries(fields).map(([k, a]) => [k, fc.option(a, { freq: 4, nil: undefined })]),
  );
  return fc
    .tuple(
      fc.record(optional),
      fc.option(fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }), {
        freq: 5,
        nil: undefined,
      }),
    )
    .map(([known, stray]) => {
      const out: Record<string, unknown> = { ...(stray ?? {}) };
      for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
      return out;
    });
}

interface Call {
  readonly name: string;
  /** Not an object only in the test of the protocol's own argument check. */
  readonly args: unknown;
}

const fileCall = (path: fc.Arbitrary<unknown>): fc.Arbitrary<Call> =>
  fc.oneof(
    { weight: 3, arbitrary: argsOf({ path, view_range: viewRange }).map((args) => ({ name: "view", args })) },
    {
      weight: 3,
      arbitrary: argsOf({ path, old_str: textLike, new_str: textLike, replace_all: boolLike }).map(
        (args) => ({
          name: "str_replace",
          args,
        }),
      ),
    },
    {
      weight: 3,
      arbitrary: argsOf({ path, content: textLike }).map((args) => ({ name: "create_file", args })),
    },
    {
      weight: 2,
      arbitrary: argsOf({
        pattern: patternLike,
        path,
        include: patternLike,
        glob: patternLike,
        type: fc.oneof(fc.constantFrom("ts", "py", "md", "python", "nope", ""), oddString, anyJson),
        output_mode: fc.oneof(
          fc.constantFrom("content", "count", "files_with_matches", "lines"),
          oddString,
          anyJson,
        ),
        case_insensitive: boolLike,
        "-i": boolLike,
        "-n": boolLike,
        line_numbers: boolLike,
        context_before: intLike,
        context_after: intLike,
        context: intLike,
        "-A": intLike,
        "-B": intLike,
        "-C": intLike,
        multiline: boolLike,
        head_limit: intLike,
        offset: intLike,
      }).map((args) => ({ name: "grep", args })),
    },
    {
      weight: 2,
      arbitrary: argsOf({
        pattern: patternLike,
        path,
        type: fc.oneof(fc.constantFrom("file", "directory", "dir", "f"), oddString, anyJson),
      }).map((args) => ({ name: "glob", args })),
    },
    // The compat server's single editor tool.
    {
      weight: 2,
      arbitrary: argsOf({
        command: fc.oneof(
          fc.constantFrom("view", "str_replace", "create", "insert", "undo_edit"),
          oddString,
          anyJson,
        ),
        path,
        view_range: viewRange,
        old_str: textLike,
        new_str: textLike,
        replace_all: boolLike,
        file_text: textLike,
      }).map((args) => ({ name: "str_replace_editor", args })),
    },
    // Unknown tools.
    {
      weight: 1,
      arbitrary: fc
        .tuple(oddString, fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }))
        .map(([name, args]) => ({ name, args })),
    },
  );

/** A run: a few calls in one session, most of them aimed at one path so that view → edit sequences happen. */
const fileRun = pathArb.chain((focus) =>
  fc.array(
    fileCall(fc.oneof({ weight: 3, arbitrary: fc.constant(focus) }, { weight: 1, arbitrary: pathArb })),
    {
      minLength: 1,
      maxLength: 5,
    },
  ),
);

// ---- Checking one answer ----

const CODE = new RegExp(`^\\[(${ERROR_CODES.join("|")})\\] [\\s\\S]`);

/**
 * Makes the call and checks the answer is what SPEC §3/§4 promise: a CallToolResult (the SDK
 * client has already validated it, structured content included, against the advertised output
 * schema), whose error text starts with a §4 code, with no stack trace and no catch-all failure.
 * Every argument object gets a result, never a protocol error.
 */
async function callAndCheck(client: Client, call: Call, knownTools: Set<string>): Promise<CallToolResult> {
  let result: CallToolResult;
  try {
    result = (await client.callTool({
      name: call.name,
      arguments: call.args as Record<string, unknown>,
    })) as CallToolResult;
  } catch (err) {
    throw new Error(`${call.name} ${summary(call.args)} threw ${clip(String(err))}`);
  }
  const text = textOf(result);
  const where = `${call.name} ${summary(call.args)} → ${clip(text)}`;
  expect(Array.isArray(result.content), where).toBe(true);
  expect(result.content.length, where).toBeGreaterThan(0);
  if (result.isError) {
    expect(CODE.test(text), `error text without a §4 code: ${where}`).toBe(true);
    expect(/failed unexpectedly/.test(text), `an unexpected exception reached the catch-all: ${where}`).toBe(
      false,
    );
  } else {
    expect(knownTools.has(call.name), `unknown tool answered as a success: ${where}`).toBe(true);
  }
  expect(/\n\s+at .+:\d+:\d+/.test(text), `stack trace in the text: ${where}`).toBe(false);
  return result;
}

/** `text` cut to a readable length for a failure message. */
function clip(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** The arguments as JSON with long strings shortened. */
function summary(args: unknown): string {
  return clip(
    JSON.stringify(args, (_k, v) =>
      typeof v === "string" && v.length > 60 ? `${v.slice(0, 30)}…(${v.length} chars)` : v,
    ) ?? String(args),
  );
}

/** Outside targets a path argument names that did not exist before: they must not exist after. */
function newOutsideTargets(calls: readonly Call[]): string[] {
  const targets: string[] = [];
  for (const { args } of calls) {
    if (typeof args !== "object" || args === null) continue;
    const p = (args as Record<string, unknown>).path;
    if (typeof p !== "string" || p.includes("\u0000") || p.length > 4096) continue;
    const target = resolve(allowed, p);
    if (target === allowed || target.startsWith(`${allowed}/`)) continue;
    try {
      lstatSync(target);
    } catch {
      targets.push(target);
    }
  }
  return targets;
}

// ---- The properties ----

describe("fuzzing every tool's arguments through the MCP client", () => {
  const servers: HttpServer[] = [];
  let outsideBefore: Record<string, string>;

  beforeAll(() => {
    buildAllowed();
    outsideBefore = buildOutside();
  });
  afterAll(async () => {
    for (const s of servers) killAll(leftovers(s.mark));
    await Promise.all(servers.map((s) => s.stop()));
    removeDir(root);
  });

  async function serve(extra: string[] = []) {
    const server = await startHttp([
      "--workdir",
      allowed,
      "--allow-dir",
      allowed,
      "--max-file-size",
      String(MAX_FILE_SIZE),
      "--log-level",
      "warn",
      ...extra,
    ]);
    servers.push(server);
    let connected = await connectHttp(server.url);
    // Listing the tools lets the client validate every structured result against its schema.
    const tools = new Set((await connected.client.listTools()).tools.map((t) => t.name));
    let calls = 0;
    return {
      server,
      tools,
      /**
       * The session's client; a new session every 500 calls, because the SDK's HTTP client keeps an
       * abort listener per request it made and warns past 1500 (the server is not involved).
       */
      async client(): Promise<Client> {
        if (++calls % 500 === 0) {
          await connected.transport.terminateSession();
          await connected.client.close();
          connected = await connectHttp(server.url);
          await connected.client.listTools();
        }
        return connected.client;
      },
    };
  }

  for (const mode of ["standard", "anthropic-compat"] as const) {
    it(`file tools (${mode}): well-formed answers, §4 codes, nothing outside the allowed dir touched`, async () => {
      const { server, client, tools } = await serve(mode === "standard" ? [] : ["--anthropic-compat"]);
      await fc.assert(
        fc.asyncProperty(fileRun, async (calls) => {
          const fresh = newOutsideTargets(calls);
          for (const call of calls) await callAndCheck(await client(), call, tools);
          expect(server.alive()).toBe(true);
          const created = fresh.filter((target) => existsSync(target));
          const outsideNow = snapshot(root, ["allowed"]);
          if (created.length > 0 || !isDeepStrictEqual(outsideNow, outsideBefore)) {
            // Undo the damage first, so that shrinking replays smaller inputs on a clean world.
            for (const target of created) rmSync(target, { recursive: true, force: true });
            const damaged = outsideBefore;
            outsideBefore = buildOutside();
            expect({ created, outside: outsideNow }).toEqual({ created: [], outside: damaged });
          }
        }),
        { numRuns: RUNS },
      );
      expect((await server.health()).status).toBe("ok");
    });
  }

  it("answers `arguments` that are not an object with INVALID_INPUT or the protocol's -32602", async () => {
    const { server, client } = await serve();
    for (const name of [
      "bash",
      "view",
      "str_replace",
      "create_file",
      "grep",
      "glob",
      "task_output",
      "no_such_tool",
    ]) {
      for (const args of [null, [], ["a.txt"], "a.txt", 5, true]) {
        const where = `${name} with arguments ${JSON.stringify(args)}`;
        try {
          const result = (await (
            await client()
          ).callTool({
            name,
            arguments: args as unknown as Record<string, unknown>,
          })) as CallToolResult;
          expect(result.isError, where).toBe(true);
          expect(textOf(result), where).toMatch(/^\[INVALID_INPUT\] \S/);
        } catch (err) {
          // The protocol's own answer to params that break its schema: Invalid params, not a crash dump.
          expect(err instanceof McpError ? err.code : String(err), where).toBe(-32602);
        }
      }
    }
    expect(server.alive()).toBe(true);
  });

  it("bash, task_output, task_kill with harmless commands: well-formed answers and §4 codes", async () => {
    const { server, client, tools } = await serve();
    const harmless = fc.oneof(
      fc.constantFrom(
        "true",
        "echo x",
        "printf 'odd ☃ \\001 %s' ok",
        "",
        "   ",
        "\n",
        "echo $BORIS_SESSION > /dev/null",
        "exit 3",
        "false",
      ),
      fc
        .array(fc.constantFrom("echo a", "true", ":"), { minLength: 1, maxLength: 3000 })
        .map((parts) => parts.join("; ")),
      // One huge argument: past the kernel's 128 KB per-argument limit the shell cannot even start.
      fc.integer({ min: 1, max: 200_000 }).map((n) => `echo ${"x".repeat(n)} > /dev/null`),
      anyJson,
    );
    const taskIds: string[] = [];
    const taskId = fc.oneof(
      fc.constant<unknown>(null).map(() => taskIds[taskIds.length - 1] ?? "none"),
      fc.nat(20).map((i) => taskIds[i % Math.max(1, taskIds.length)] ?? "none"),
      oddString,
      anyJson,
    );
    const shellCall: fc.Arbitrary<Call> = fc.oneof(
      {
        weight: 4,
        arbitrary: argsOf({
          command: harmless,
          timeout: fc.oneof(
            fc.integer({ min: -10, max: 700_000 }),
            fc.constantFrom(1, 5, 0.5, 1e308, -1),
            intLike,
          ),
          run_in_background: boolLike,
          description: fc.oneof(oddString, anyJson),
        }).map((args) => ({ name: "bash", args })),
      },
      {
        weight: 2,
        arbitrary: argsOf({
          task_id: taskId,
          block: boolLike,
          timeout: fc.oneof(fc.integer({ min: -5, max: 2000 }), intLike),
        }).map((args) => ({ name: "task_output", args })),
      },
      { weight: 1, arbitrary: argsOf({ task_id: taskId }).map((args) => ({ name: "task_kill", args })) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(shellCall, { minLength: 1, maxLength: 5 }), async (calls) => {
        for (const call of calls) {
          const result = await callAndCheck(await client(), call, tools);
          const id = /task_id: (\S+)/.exec(textOf(result))?.[1];
          if (id) taskIds.push(id);
        }
        expect(server.alive()).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect((await server.health()).status).toBe("ok");
    // Harmless commands end by themselves: nothing of the session is left running but what a
    // background task may still be finishing.
    await expect
      .poll(() => processesOfServer(server.identity), { timeout: 15_000, interval: 100 })
      .toEqual([]);
  });
});
