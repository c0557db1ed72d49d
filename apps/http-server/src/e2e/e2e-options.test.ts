import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { MAIN, SERVER_NODE } from "../test/harness.js";

describe("boris-http option errors", () => {
  const cases: [string[], Record<string, string>, string][] = [
    [["--sessions"], {}, "boris-http: unknown option --sessions."],
    [["--timeout", "abc"], {}, 'boris-http: --timeout "abc": expected a number of seconds above 0.'],
    [["--port", "70000"], {}, 'boris-http: --port "70000": expected a port from 0 to 65535.'],
    [
      ["--token", "t", "--generate-token"],
      {},
      "boris-http: --token and --generate-token cannot be used together",
    ],
    [
      ["--disable-tools", "bash,find"],
      {},
      'boris-http: --disable-tools "find": unknown tool name; valid names are bash, view, str_replace, create_file, grep, glob.',
    ],
    [
      [],
      { BORIS_MAX_FILE_SIZE: "huge" },
      'boris-http: BORIS_MAX_FILE_SIZE="huge": expected a size such as 10MB',
    ],
    [
      ["--workdir", "/no/such/dir/anywhere"],
      {},
      'boris-http: --workdir "/no/such/dir/anywhere": no such directory.',
    ],
    [["--workdir", "/etc/hostname"], {}, 'boris-http: --workdir "/etc/hostname": is not a directory.'],
    [
      ["--instance-id", "pod.1"],
      {},
      `boris-http: --instance-id "pod.1": expected 1 to 32 letters, digits, '_' or '-'`,
    ],
    [
      ["--allow-unauthenticated", "--generate-token"],
      {},
      "boris-http: --allow-unauthenticated and --generate-token cannot be used together",
    ],
    [
      ["--log-level", "loud"],
      {},
      'boris-http: --log-level "loud": expected one of debug, info, warn, error.',
    ],
  ];
  it.each(cases)("%j %j exits 2 with one line", (args, env, message) => {
    const run = spawnSync(SERVER_NODE, [MAIN, ...args], {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });

  it("prints --help and --version", () => {
    const help = spawnSync(SERVER_NODE, [MAIN, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--session-idle-timeout");
    const version = spawnSync(SERVER_NODE, [MAIN, "--version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
