import { describe, expect, it } from "vitest";
import { type BorisOptions, type ParseInput, parseOptions, splitList } from "./parse.js";
import { TEST_TOOL_NAMES } from "./test/tool-names.js";

function parse(
  argv: string[],
  env: Record<string, string> = {},
  program: ParseInput["program"] = "boris-http",
) {
  return parseOptions({ program, argv, env, cwd: "/home/u/proj", toolNames: TEST_TOOL_NAMES });
}

function options(
  argv: string[],
  env: Record<string, string> = {},
  program: ParseInput["program"] = "boris-http",
) {
  const result = parse(argv, env, program);
  if (result.kind !== "run") throw new Error(`expected options, got ${JSON.stringify(result)}`);
  return result.options;
}

function errorOf(
  argv: string[],
  env: Record<string, string> = {},
  program: ParseInput["program"] = "boris-http",
) {
  const result = parse(argv, env, program);
  if (result.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  expect(result.message).not.toContain("\n");
  return result.message;
}

describe("parseOptions", () => {
  it("applies every default of SPEC §6", () => {
    const expected: BorisOptions = {
      workdir: "/home/u/proj",
      workdirGiven: false,
      timeoutSeconds: 120,
      shell: "/bin/bash",
      allowDirs: [],
      denyPatterns: [],
      disabledTools: [],
      maxFileSize: 10 * 1024 * 1024,
      maxImageSize: 750 * 1024,
      requireViewBeforeEdit: true,
      backgroundTaskTimeoutSeconds: 0,
      anthropicCompat: false,
      logLevel: "info",
      logFormat: "text",
      host: "127.0.0.1",
      port: 8080,
      token: undefined,
      generateToken: false,
      allowUnauthenticated: false,
      instanceId: undefined,
      sessionIdleTimeoutSeconds: 600,
      sessionOrphanTimeoutSeconds: 60,
      allowOrigins: [],
      maxSessions: 1000,
    };
    expect(options([])).toEqual(expected);
  });

  it("reads every option from its flag, in both spellings", () => {
    const o = options([
      "--workdir=sub",
      "--timeout",
      "30",
      "--shell=/bin/sh",
      "--allow-dir",
      "/a",
      "--allow-dir=b",
      "--deny-dir",
      "**/{.env,.git}",
      "--disable-tools",
      "grep,glob",
      "--disable-tools=view",
      "--max-file-size",
      "512KB",
      "--max-image-size=2MB",
      "--require-view-before-edit=false",
      "--bg-timeout",
      "60",
      "--anthropic-compat",
      "--log-level",
      "debug",
      "--log-format=json",
      "--host",
      "0.0.0.0",
      "--port=0",
      "--token",
      "s3cret",
      "--session-idle-timeout",
      "1",
      "--session-orphan-timeout=2.5",
      "--instance-id",
      "boris_A-1",
      "--allow-origin",
      "http://localhost:6274,https://example.com/",
      "--max-sessions=2",
    ]);
    expect(o).toEqual({
      workdir: "/home/u/proj/sub",
      workdirGiven: true,
      timeoutSeconds: 30,
      shell: "/bin/sh",
      allowDirs: ["/a", "/home/u/proj/b"],
      denyPatterns: ["**/{.env,.git}"],
      disabledTools: ["grep", "glob", "view"],
      maxFileSize: 512 * 1024,
      maxImageSize: 2 * 1024 * 1024,
      requireViewBeforeEdit: false,
      backgroundTaskTimeoutSeconds: 60,
      anthropicCompat: true,
      logLevel: "debug",
      logFormat: "json",
      host: "0.0.0.0",
      port: 0,
      token: "s3cret",
      generateToken: false,
      allowUnauthenticated: false,
      instanceId: "boris_A-1",
      sessionIdleTimeoutSeconds: 1,
      sessionOrphanTimeoutSeconds: 2.5,
      allowOrigins: ["http://localhost:6274", "https://example.com"],
      maxSessions: 2,
    });
  });

  it("reads every option from BORIS_* variables, lists as comma lists", () => {
    const o = options([], {
      BORIS_WORKDIR: "/w",
      BORIS_TIMEOUT: "5",
      BORIS_SHELL: "/bin/zsh",
      BORIS_ALLOW_DIRS: "/a, /b",
      BORIS_DENY_DIRS: "**/.env,**/{a,b}/x",
      BORIS_DISABLE_TOOLS: "bash",
      BORIS_MAX_FILE_SIZE: "2048",
      BORIS_MAX_IMAGE_SIZE: "1000",
      BORIS_REQUIRE_VIEW_BEFORE_EDIT: "true",
      BORIS_BACKGROUND_TASK_TIMEOUT: "0.5",
      BORIS_ANTHROPIC_COMPAT: "1",
      BORIS_LOG_LEVEL: "warn",
      BORIS_LOG_FORMAT: "json",
      BORIS_HOST: "::1",
      BORIS_PORT: "9000",
      BORIS_GENERATE_TOKEN: "true",
      BORIS_SESSION_IDLE_TIMEOUT: "0",
      BORIS_SESSION_ORPHAN_TIMEOUT: "0",
      BORIS_INSTANCE_ID: "pod-3",
      BORIS_ALLOW_ORIGINS: "http://a.test,http://b.test:81",
      BORIS_MAX_SESSIONS: "7",
    });
    expect(o).toMatchObject({
      workdir: "/w",
      workdirGiven: true,
      timeoutSeconds: 5,
      shell: "/bin/zsh",
      allowDirs: ["/a", "/b"],
      denyPatterns: ["**/.env", "**/{a,b}/x"],
      disabledTools: ["bash"],
      maxFileSize: 2048,
      maxImageSize: 1000,
      requireViewBeforeEdit: true,
      backgroundTaskTimeoutSeconds: 0.5,
      anthropicCompat: true,
      logLevel: "warn",
      logFormat: "json",
      host: "::1",
      port: 9000,
      generateToken: true,
      sessionIdleTimeoutSeconds: 0,
      sessionOrphanTimeoutSeconds: 0,
      instanceId: "pod-3",
      allowOrigins: ["http://a.test", "http://b.test:81"],
      maxSessions: 7,
    });
  });

  it("lets a flag win over its environment variable, lists included", () => {
    const o = options(["--timeout", "9", "--allow-dir", "/flag"], {
      BORIS_TIMEOUT: "5",
      BORIS_ALLOW_DIRS: "/env1,/env2",
    });
    expect(o.timeoutSeconds).toBe(9);
    expect(o.allowDirs).toEqual(["/flag"]);
  });

  it("ignores empty environment variables", () => {
    expect(options([], { BORIS_TIMEOUT: "", BORIS_PORT: "  " })).toMatchObject({
      timeoutSeconds: 120,
      port: 8080,
    });
  });

  it("takes the last value of a repeated single-value flag", () => {
    expect(options(["--port", "1", "--port", "2"]).port).toBe(2);
  });

  it("reads boolean switches and their explicit values", () => {
    expect(options(["--anthropic-compat"]).anthropicCompat).toBe(true);
    expect(options(["--anthropic-compat=false"]).anthropicCompat).toBe(false);
    expect(options(["--anthropic-compat=0"], { BORIS_ANTHROPIC_COMPAT: "true" }).anthropicCompat).toBe(false);
    expect(options([], { BORIS_ANTHROPIC_COMPAT: "false" }).anthropicCompat).toBe(false);
    expect(options([], { BORIS_GENERATE_TOKEN: "0" }).generateToken).toBe(false);
    // a switch never swallows the next argument
    expect(options(["--anthropic-compat", "--port", "3"])).toMatchObject({ anthropicCompat: true, port: 3 });
  });

  it("resolves --require-view-before-edit auto to true and accepts the bare flag", () => {
    expect(options(["--require-view-before-edit", "auto"]).requireViewBeforeEdit).toBe(true);
    expect(options(["--require-view-before-edit", "false"]).requireViewBeforeEdit).toBe(false);
    expect(options(["--require-view-before-edit"]).requireViewBeforeEdit).toBe(true);
    expect(options(["--require-view-before-edit", "--port", "1"])).toMatchObject({
      requireViewBeforeEdit: true,
      port: 1,
    });
    expect(options([], { BORIS_REQUIRE_VIEW_BEFORE_EDIT: "false" }).requireViewBeforeEdit).toBe(false);
  });

  it("parses sizes in bytes and with units", () => {
    expect(options(["--max-file-size", "10MB"]).maxFileSize).toBe(10485760);
    expect(options(["--max-file-size", "1gb"]).maxFileSize).toBe(1024 ** 3);
    expect(options(["--max-file-size", "1.5K"]).maxFileSize).toBe(1536);
    expect(options(["--max-file-size", "100"]).maxFileSize).toBe(100);
  });

  it("answers --help and --version wherever they appear", () => {
    expect(parse(["--port", "1", "--help"]).kind).toBe("help");
    expect(parse(["-h"]).kind).toBe("help");
    expect(parse(["--bogus", "--version"]).kind).toBe("version");
    expect(parse(["-v"], {}, "boris").kind).toBe("version");
  });

  it("keeps HTTP-only options to their defaults for boris and ignores their variables", () => {
    const o = options([], { BORIS_PORT: "not-a-port", BORIS_TOKEN: "x y" }, "boris");
    expect(o.port).toBe(8080);
    expect(o.token).toBeUndefined();
  });
});

describe("parseOptions errors", () => {
  it("rejects unknown flags, --sessions included", () => {
    expect(errorOf(["--sessions"])).toBe(
      "boris-http: unknown option --sessions. Run 'boris-http --help' to see the options.",
    );
    expect(errorOf(["--sessions"], {}, "boris")).toMatch(/^boris: unknown option --sessions\./);
    expect(errorOf(["--alow-dir", "/x"])).toContain("unknown option --alow-dir (did you mean --allow-dir?)");
  });

  it("rejects positional arguments and a missing value", () => {
    expect(errorOf(["serve"])).toContain("unexpected argument 'serve'");
    expect(errorOf(["--timeout"])).toContain("--timeout needs a value <seconds>");
    expect(errorOf(["--workdir", "--port", "1"])).toContain("--workdir needs a value <dir>");
  });

  it("names the option, the value and what is expected for a bad value", () => {
    expect(errorOf(["--timeout", "abc"])).toBe(
      "boris-http: --timeout \"abc\": expected a number of seconds above 0. Run 'boris-http --help' to see the options.",
    );
    expect(errorOf(["--timeout=0"])).toContain('--timeout "0": expected a number of seconds above 0');
    expect(errorOf(["--port", "70000"])).toContain('--port "70000": expected a port from 0 to 65535');
    expect(errorOf([], { BORIS_PORT: "x" })).toContain('BORIS_PORT="x": expected a port from 0 to 65535');
    expect(errorOf(["--max-file-size", "10XB"])).toContain(
      '--max-file-size "10XB": expected a size such as 10MB',
    );
    expect(errorOf(["--max-file-size", "0"])).toContain("expected a size");
    expect(errorOf(["--max-file-size", "2GB"])).toContain("expected at most 1GB");
    expect(errorOf(["--log-level", "verbose"])).toContain(
      '--log-level "verbose": expected one of debug, info, warn, error',
    );
    expect(errorOf(["--log-format", "xml"])).toContain("expected one of text, json");
    expect(errorOf(["--require-view-before-edit", "maybe"])).toContain("expected one of auto, true, false");
    expect(errorOf(["--anthropic-compat=perhaps"])).toContain(
      '--anthropic-compat "perhaps": expected true or false',
    );
    expect(errorOf([], { BORIS_GENERATE_TOKEN: "sure" })).toContain('BORIS_GENERATE_TOKEN="sure"');
    expect(errorOf(["--max-sessions", "0"])).toContain("expected a session count from 1");
    expect(errorOf(["--bg-timeout", "-1"])).toContain(
      '--bg-timeout "-1": expected a number of seconds, 0 to turn it off',
    );
    expect(errorOf(["--shell="])).toContain('--shell "": expected a shell path, got an empty value');
    expect(errorOf(["--token", "a b"])).toContain("expected a token of printable ASCII");
    expect(errorOf(["--allow-origin", "example.com"])).toContain(
      '--allow-origin "example.com": expected an origin',
    );
    expect(errorOf(["--allow-origin", "http://a.test/path"])).toContain("expected an origin");
  });

  it("lists the valid tool names for an unknown --disable-tools name", () => {
    expect(errorOf(["--disable-tools", "bash,find"], {}, "boris")).toBe(
      "boris: --disable-tools \"find\": unknown tool name; valid names are bash, view, str_replace, create_file, grep, glob. Run 'boris --help' to see the options.",
    );
    expect(errorOf([], { BORIS_DISABLE_TOOLS: "Bash" })).toContain(
      'BORIS_DISABLE_TOOLS="Bash": unknown tool name',
    );
  });

  it("refuses --token with --generate-token, from flags or the environment", () => {
    expect(errorOf(["--token", "t", "--generate-token"])).toContain(
      "--token and --generate-token cannot be used together",
    );
    expect(errorOf(["--generate-token"], { BORIS_TOKEN: "t" })).toContain("BORIS_TOKEN and --generate-token");
  });

  it("refuses --allow-unauthenticated with a token", () => {
    expect(errorOf(["--allow-unauthenticated", "--token", "t"])).toContain(
      "--allow-unauthenticated and --token cannot be used together",
    );
    expect(errorOf(["--generate-token"], { BORIS_ALLOW_UNAUTHENTICATED: "1" })).toContain(
      "BORIS_ALLOW_UNAUTHENTICATED and --generate-token cannot be used together",
    );
    expect(options(["--allow-unauthenticated"]).allowUnauthenticated).toBe(true);
  });

  it("takes an instance id of letters, digits, _ and - only, up to 32", () => {
    expect(options(["--instance-id", "a".repeat(32)]).instanceId).toBe("a".repeat(32));
    for (const bad of ["a".repeat(33), "a.b", "pod 1", "é", "a/b"]) {
      expect(errorOf(["--instance-id", bad])).toContain(
        `--instance-id ${JSON.stringify(bad)}: expected 1 to 32 letters, digits, '_' or '-'`,
      );
    }
    expect(errorOf([], { BORIS_INSTANCE_ID: "x:y" })).toContain('BORIS_INSTANCE_ID="x:y": expected 1 to 32');
  });

  it("says HTTP-only flags belong to boris-http", () => {
    for (const flag of [
      "--host",
      "--port",
      "--token",
      "--generate-token",
      "--allow-unauthenticated",
      "--instance-id",
      "--session-idle-timeout",
      "--session-orphan-timeout",
      "--allow-origin",
      "--max-sessions",
    ]) {
      const message = errorOf([flag, "1"], {}, "boris");
      expect(message).toContain(`${flag} is an option of boris-http`);
    }
    expect(errorOf(["--port=1"], {}, "boris")).toContain("--port is an option of boris-http");
  });
});

describe("splitList", () => {
  it("splits on commas outside braces and drops blanks", () => {
    expect(splitList("a, b,,c")).toEqual(["a", "b", "c"]);
    expect(splitList("**/{a,b}/x,y")).toEqual(["**/{a,b}/x", "y"]);
  });
});
