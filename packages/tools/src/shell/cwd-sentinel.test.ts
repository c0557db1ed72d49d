import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { extractCwd, sentinelMarker, wrapWithCwdSentinel } from "./cwd-sentinel.js";

const nonce = "0011223344556677";
const marker = sentinelMarker(nonce);
const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "boris-sentinel-")));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the wrapped command with `shell -c` and returns status, stdout and what extractCwd makes of it. */
function run(shell: string, command: string) {
  let status = 0;
  let stdout: string;
  try {
    stdout = execFileSync(shell, ["-c", wrapWithCwdSentinel(command, nonce)], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (err) {
    const e = err as { status: number; stdout: string };
    status = e.status;
    stdout = e.stdout;
  }
  return { status, stdout, ...extractCwd(stdout, nonce) };
}

describe("extractCwd", () => {
  it("strips the last sentinel, from its marker to its newline", () => {
    expect(extractCwd(`abc${marker}/x\n`, nonce)).toEqual({ output: "abc", cwd: "/x" });
    expect(extractCwd(`abc\n${marker}/x\n`, nonce)).toEqual({ output: "abc\n", cwd: "/x" });
    expect(extractCwd(`${marker}/a\nmid\n${marker}/b\nlate\n`, nonce)).toEqual({
      output: `${marker}/a\nmid\nlate\n`,
      cwd: "/b",
    });
  });

  it("ignores a sentinel of another nonce and a cut-short line", () => {
    const other = `x\n${sentinelMarker("ffffffffffffffff")}/x\n`;
    expect(extractCwd(other, nonce)).toEqual({ output: other, cwd: undefined });
    expect(extractCwd(`x\n${marker}/x`, nonce)).toEqual({ output: `x\n${marker}/x`, cwd: undefined });
  });
});

describe.each(["/bin/bash", "/bin/sh"])("wrapWithCwdSentinel under %s", (shell) => {
  it("reports the final cwd and keeps the command's exit status", () => {
    const r = run(shell, "mkdir -p sub && cd sub && printf out; exit_code=7; (exit $exit_code)");
    expect(r).toMatchObject({ status: 7, output: "out", cwd: path.join(dir, "sub") });
  });

  it("prints no sentinel when the command exits", () => {
    expect(run(shell, "cd / && exit 2")).toMatchObject({ status: 2, cwd: undefined, stdout: "" });
  });

  it("reaches stdout even after the command redirected its own for good", () => {
    expect(run(shell, "exec >/dev/null; echo hidden; cd /")).toMatchObject({
      status: 0,
      output: "",
      cwd: "/",
    });
  });

  it("does not let fd 9 leak into the command, and restores it after the command used it", () => {
    const r = run(shell, "ls /proc/self/fd/9 2>/dev/null && echo leaked; exec 9>/dev/null; echo ok");
    expect(r).toMatchObject({ status: 0, output: "ok\n", cwd: dir });
  });

  it("survives a trailing comment and a here-document", () => {
    expect(run(shell, "cat <<EOF\nhello\nEOF")).toMatchObject({ output: "hello\n", cwd: dir });
    expect(run(shell, "echo a # comment")).toMatchObject({ output: "a\n", cwd: dir });
  });
});
