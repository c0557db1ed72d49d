import { describe, expect, it } from "vitest";
import { type BorisOptions, splitList } from "./parse.js";
import { options, parse } from "./test/parse.js";

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
      cgroup: "auto",
      sessionMemoryMax: undefined,
      sessionPidsMax: undefined,
      host: "127.0.0.1",
      port: 8080,
      token: undefined,
      generateToken: false,
      allowUnauthenticated: false,
      instanceId: undefined,
      sessionIdleTimeoutSeconds: 600,
      sessionOrphanTimeoutSeconds: 60,
      sseKeepaliveSeconds: 15,
      resumeWindowSeconds: 60,
      jsonResponseWindowSeconds: 0.05,
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
      "--cgroup",
      "auto",
      "--session-memory-max=512MB",
      "--session-pids-max",
      "200",
      "--host",
      "0.0.0.0",
      "--port=0",
      "--token",
      "s3cret",
      "--session-idle-timeout",
      "1",
      "--session-orphan-timeout=2.5",
      "--sse-keepalive",
      "0.5",
      "--resume-window=90",
      "--json-response-window",
      "0.2",
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
      cgroup: "auto",
      sessionMemoryMax: 512 * 1024 * 1024,
      sessionPidsMax: 200,
      host: "0.0.0.0",
      port: 0,
      token: "s3cret",
      generateToken: false,
      allowUnauthenticated: false,
      instanceId: "boris_A-1",
      sessionIdleTimeoutSeconds: 1,
      sessionOrphanTimeoutSeconds: 2.5,
      sseKeepaliveSeconds: 0.5,
      resumeWindowSeconds: 90,
      jsonResponseWindowSeconds: 0.2,
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
      BORIS_CGROUP: "OFF",
      BORIS_HOST: "::1",
      BORIS_PORT: "9000",
      BORIS_GENERATE_TOKEN: "true",
      BORIS_SESSION_IDLE_TIMEOUT: "0",
      BORIS_SESSION_ORPHAN_TIMEOUT: "0",
      BORIS_SSE_KEEPALIVE: "0",
      BORIS_RESUME_WINDOW: "0",
      BORIS_JSON_RESPONSE_WINDOW: "0",
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
      cgroup: "off",
      host: "::1",
      port: 9000,
      generateToken: true,
      sessionIdleTimeoutSeconds: 0,
      sessionOrphanTimeoutSeconds: 0,
      sseKeepaliveSeconds: 0,
      resumeWindowSeconds: 0,
      jsonResponseWindowSeconds: 0,
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

describe("splitList", () => {
  it("splits on commas outside braces and drops blanks", () => {
    expect(splitList("a, b,,c")).toEqual(["a", "b", "c"]);
    expect(splitList("**/{a,b}/x,y")).toEqual(["**/{a,b}/x", "y"]);
  });
});
