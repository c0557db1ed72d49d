import { mkdir, rmdir, symlink } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { h, open, root, useBashFixture } from "../test/bash-fixture.js";
import { errorOf, testConfig, textOf } from "../test/file-support.js";
import { connectShell, structured } from "../test/shell-support.js";
import { sentinelMarker } from "./cwd-sentinel.js";

useBashFixture();

describe("bash: results", () => {
  it("runs in the session's cwd and reports exit code and stdout", async () => {
    await open();
    const result = await h.call("bash", { command: "pwd; echo hello" });
    expect(result.isError).toBeUndefined();
    expect(textOf(result)).toBe(`exit_code: 0\nstdout:\n${root}\nhello\n`);
    expect(structured(result)).toEqual({
      exit_code: 0,
      stdout: `${root}\nhello\n`,
      stderr: "",
      timed_out: false,
      cwd: root,
    });
  });

  it("reports a non-zero exit as a normal result, stderr before stdout", async () => {
    await open();
    const result = await h.call("bash", { command: "echo out; echo boom >&2; exit 3" });
    expect(result.isError).toBeUndefined();
    expect(textOf(result)).toBe("exit_code: 3\nstderr:\nboom\n\nstdout:\nout\n");
    expect(structured(result)).toMatchObject({
      exit_code: 3,
      stdout: "out\n",
      stderr: "boom\n",
      timed_out: false,
    });
  });

  it("keeps stdout exactly, with or without a trailing newline", async () => {
    await open();
    expect(structured(await h.call("bash", { command: "printf abc" })).stdout).toBe("abc");
    expect(structured(await h.call("bash", { command: "printf 'abc\\n\\n'" })).stdout).toBe("abc\n\n");
    expect(textOf(await h.call("bash", { command: "true" }))).toBe("exit_code: 0");
    // A trailing comment and an unfinished last line do not swallow the wrapper.
    expect(structured(await h.call("bash", { command: "echo x # a comment" })).stdout).toBe("x\n");
  });

  it("keeps the line numbers of the shell's own error messages", async () => {
    await open();
    const result = await h.call("bash", { command: "true\ntrue\nnot-a-command-xyz" });
    expect(structured(result).exit_code).toBe(127);
    expect(structured(result).stderr).toMatch(/line 3: not-a-command-xyz: command not found/);
  });

  it("reports a command killed by a signal as 128 + the signal number", async () => {
    await open();
    expect(structured(await h.call("bash", { command: "kill -KILL $$" })).exit_code).toBe(137);
    expect(
      structured(await h.call("bash", { command: "sleep 1000 & kill -TERM $!; wait $!" })).exit_code,
    ).toBe(143);
  });

  it("gives the command /dev/null as stdin", async () => {
    await open();
    const result = await h.call("bash", { command: "cat; readlink /proc/self/fd/0" });
    expect(structured(result)).toMatchObject({ exit_code: 0, stdout: "/dev/null\n" });
  });

  it("runs the command with the session marker in its environment", async () => {
    await open();
    const result = await h.call("bash", { command: "echo $BORIS_SESSION" });
    expect(structured(result).stdout).toBe(`${h.session.marker.value}\n`);
  });

  it("refuses a blank command with BASH_EMPTY_COMMAND", async () => {
    await open();
    expect(errorOf(await h.call("bash", { command: "" }), "BASH_EMPTY_COMMAND")).toMatch(/command is empty/);
    errorOf(await h.call("bash", { command: "  \n\t " }), "BASH_EMPTY_COMMAND");
  });

  it("reports a shell that cannot start as BASH_START_FAILED naming it", async () => {
    await open({ shell: "/nonexistent/bin/sh" });
    const message = errorOf(await h.call("bash", { command: "true" }), "BASH_START_FAILED");
    expect(message).toContain("/nonexistent/bin/sh");
    expect(message).toMatch(/does not exist|not an executable/);
    errorOf(await h.call("bash", { command: "true", run_in_background: true }), "BASH_START_FAILED");
  });

  it("moves out of a deleted working directory instead of failing forever", async () => {
    await mkdir(path.join(root, "doomed"));
    await open();
    await h.call("bash", { command: "cd doomed" });
    expect(h.session.cwd).toBe(path.join(root, "doomed"));
    await rmdir(path.join(root, "doomed"));
    const message = errorOf(await h.call("bash", { command: "pwd" }), "BASH_START_FAILED");
    expect(message).toContain(`${path.join(root, "doomed")} no longer exists`);
    expect(h.session.cwd).toBe(root);
    expect(structured(await h.call("bash", { command: "pwd" })).stdout).toBe(`${root}\n`);
  });

  it("refuses to run after the session is closed (SESSION_CLOSED)", async () => {
    await open();
    await h.session.close();
    errorOf(await h.call("bash", { command: "echo hi" }), "SESSION_CLOSED");
    errorOf(await h.call("bash", { command: "echo hi", run_in_background: true }), "SESSION_CLOSED");
  });
});

describe("bash: cwd tracking", () => {
  it("keeps a cd for the next call", async () => {
    await open();
    const first = await h.call("bash", { command: "cd sub/deeper" });
    expect(structured(first)).toMatchObject({ stdout: "", cwd: path.join(root, "sub", "deeper") });
    expect(structured(await h.call("bash", { command: "pwd" })).stdout).toBe(
      `${path.join(root, "sub", "deeper")}\n`,
    );
    await h.call("bash", { command: "cd .." });
    expect(h.session.cwd).toBe(path.join(root, "sub"));
  });

  it("keeps a cwd reached through a symlink as the path that was cd'ed to", async () => {
    await symlink(path.join(root, "sub"), path.join(root, "link"));
    await open();
    await h.call("bash", { command: "cd link" });
    expect(h.session.cwd).toBe(path.join(root, "link"));
    expect(structured(await h.call("bash", { command: "pwd" })).stdout).toBe(`${path.join(root, "link")}\n`);
    const id = structured(await h.call("bash", { command: "pwd", run_in_background: true })).task_id;
    const bg = await h.call("task_output", { task_id: id, block: true });
    expect(structured(bg).stdout).toBe(`${path.join(root, "link")}\n`);
  });

  it("still tracks the cwd when the command redirects its stdout for good", async () => {
    await open();
    const result = await h.call("bash", { command: "exec >/dev/null; echo hidden; cd sub" });
    expect(structured(result)).toMatchObject({ stdout: "", cwd: path.join(root, "sub") });
  });

  it("keeps the cwd when the command exits early", async () => {
    await open();
    const result = await h.call("bash", { command: "cd sub && exit 4" });
    expect(structured(result)).toMatchObject({ exit_code: 4, cwd: root });
    expect(h.session.cwd).toBe(root);
  });

  it("returns look-alike sentinels untouched and does not follow them", async () => {
    await open();
    const fake = "__BORIS_CWD_deadbeef__/tmp";
    const wrongNonce = `__BORIS_CWD_${"0".repeat(16)}__/tmp`;
    const result = await h.call("bash", {
      command: `echo ${fake}; echo; echo ${wrongNonce}; printf '${fake}'`,
    });
    expect(structured(result).stdout).toBe(`${fake}\n\n${wrongNonce}\n${fake}`);
    expect(h.session.cwd).toBe(root);
  });

  it("uses only the last sentinel line and keeps output printed after it", async () => {
    await open();
    // The real nonce printed by the command itself is overridden by the wrapper's later line.
    const marker = sentinelMarker(h.session.nonce);
    const result = await h.call("bash", { command: `printf '${marker}/\\n'; cd sub` });
    expect(h.session.cwd).toBe(path.join(root, "sub"));
    expect(structured(result).stdout).toBe(`${marker}/\n`);
  });
});

describe("bash: tool list", () => {
  it("advertises bash, task_output and task_kill with an output schema that admits both shapes", async () => {
    await open();
    const { tools } = await h.client.listTools();
    const names = tools.map((t) => t.name);
    expect(names.slice(0, 3)).toEqual(["bash", "task_output", "task_kill"]);
    const bash = tools.find((t) => t.name === "bash")!;
    expect(bash.outputSchema?.required ?? []).toEqual([]);
    expect(Object.keys(bash.outputSchema?.properties ?? {}).sort()).toEqual(
      ["cwd", "exit_code", "stderr", "stdout", "task_id", "timed_out"].sort(),
    );
    expect(bash.inputSchema.required).toEqual(["command"]);
    expect(bash.description).toMatch(/cd/);
    expect(bash.description).toMatch(/run_in_background/);
    expect(bash.description).toMatch(/task_output/);
  });

  it("uses the compat description in --anthropic-compat mode", async () => {
    await open({ anthropicCompat: true });
    const { tools } = await h.client.listTools();
    const bash = tools.find((t) => t.name === "bash")!;
    expect(bash.description).toMatch(/milliseconds/);
    expect(bash.description).toContain("600000ms");
    expect(bash.description).toContain("120000ms");
    expect(bash.description).toContain("30000 characters");
    const plain = await connectShell(testConfig(), { workdir: root });
    const plainBash = (await plain.client.listTools()).tools.find((t) => t.name === "bash")!;
    await plain.close();
    expect(plainBash.description).not.toBe(bash.description);
    expect(plainBash.description).toContain("120000");
  });

  it("leaves out all three when bash is disabled", async () => {
    await open({ disabledTools: new Set(["bash"]) });
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    for (const name of ["bash", "task_output", "task_kill"]) expect(names).not.toContain(name);
    errorOf(await h.call("bash", { command: "true" }), "INVALID_INPUT");
  });
});
