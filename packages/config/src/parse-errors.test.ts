import { describe, expect, it } from "vitest";
import { errorOf, options } from "./test/parse.js";

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
    expect(errorOf(["--cgroup", "on"])).toContain('--cgroup "on": expected one of auto, off');
    expect(errorOf(["--session-memory-max", "512KB"])).toContain(
      '--session-memory-max "512KB": expected a memory size from 1MB',
    );
    expect(errorOf([], { BORIS_SESSION_PIDS_MAX: "0" })).toContain(
      'BORIS_SESSION_PIDS_MAX="0": expected a process count from 1 to 4194304',
    );
    expect(errorOf(["--bg-timeout", "-1"])).toContain(
      '--bg-timeout "-1": expected a number of seconds, 0 to turn it off',
    );
    expect(errorOf(["--sse-keepalive", "15s"])).toContain(
      '--sse-keepalive "15s": expected a number of seconds, 0 to turn it off',
    );
    expect(errorOf([], { BORIS_RESUME_WINDOW: "soon" })).toContain(
      'BORIS_RESUME_WINDOW="soon": expected a number of seconds, 0 to turn it off',
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

  it("refuses a session limit with the cgroups turned off", () => {
    expect(errorOf(["--cgroup=off", "--session-pids-max", "50"], {}, "boris")).toBe(
      "boris: --session-pids-max needs the session cgroups, which --cgroup off turns off; drop one of them. Run 'boris --help' to see the options.",
    );
    expect(errorOf([], { BORIS_CGROUP: "off", BORIS_SESSION_MEMORY_MAX: "1GB" })).toContain(
      "BORIS_SESSION_MEMORY_MAX needs the session cgroups, which BORIS_CGROUP=off turns off",
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
      "--sse-keepalive",
      "--resume-window",
      "--allow-origin",
      "--max-sessions",
    ]) {
      const message = errorOf([flag, "1"], {}, "boris");
      expect(message).toContain(`${flag} is an option of boris-http`);
    }
    expect(errorOf(["--port=1"], {}, "boris")).toContain("--port is an option of boris-http");
  });
});
