// Commands past the kernel's 128 KiB limit for one argument (a big heredoc), through the SDK client.
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { errorOf, okText, removeDir, tempDir, testConfig } from "../test/file-support.js";
import { connectShell, type ShellHarness, structured } from "../test/shell-support.js";
import { MAX_COMMAND_BYTES } from "./shell-invocation.js";

let root: string;
let h: ShellHarness;

beforeAll(async () => {
  root = await tempDir("boris-big-");
  await mkdir(path.join(root, "sub"));
});
afterAll(() => removeDir(root));
afterEach(() => h?.close());

/** `lines` lines of 63 characters and a newline, numbered: exactly 64 bytes each. */
function body(lines: number): string {
  let text = "";
  for (let i = 0; i < lines; i++) text += `${String(i).padStart(8, "0")}${"x".repeat(55)}\n`;
  return text;
}

describe("bash: a command bigger than one argument may be", () => {
  it("runs a 1 MiB heredoc, keeps stdin /dev/null and tracks the cwd", async () => {
    h = await connectShell(testConfig(), { workdir: root });
    const data = body(16 * 1024); // 1 MiB
    const command = `cd sub && cat > big.txt <<'BORIS_EOF'\n${data}BORIS_EOF\nwc -c < big.txt; readlink /proc/$$/fd/0; cat`;
    expect(Buffer.byteLength(command)).toBeGreaterThan(1024 * 1024);
    const result = await h.call("bash", { command });
    expect(okText(result)).toBe("exit_code: 0\nstdout:\n1048576\n/dev/null\n");
    expect(readFileSync(path.join(root, "sub", "big.txt"), "utf8")).toBe(data);
    expect(structured(result).cwd).toBe(path.join(root, "sub"));
    expect(h.session.cwd).toBe(path.join(root, "sub"));
  });

  it("keeps the exit status and a trailing newline-less last line of a big command", async () => {
    h = await connectShell(testConfig(), { workdir: root });
    const result = await h.call("bash", { command: `: '${"y".repeat(200_000)}'\nprintf tail; exit 4` });
    expect(okText(result)).toBe("exit_code: 4\nstdout:\ntail");
  });

  it("runs a big command in the background too", async () => {
    h = await connectShell(testConfig(), { workdir: root });
    const data = body(4 * 1024); // 256 KiB
    const started = await h.call("bash", {
      command: `wc -c <<'BORIS_EOF'\n${data}BORIS_EOF`,
      run_in_background: true,
    });
    const id = String(structured(started).task_id);
    const result = await h.call("task_output", { task_id: id, block: true, timeout: 20_000 });
    expect(okText(result)).toBe(`task_id: ${id}\nstatus: completed\nexit_code: 0\nstdout:\n262144\n`);
  });

  it("refuses a command over the limit with INVALID_INPUT naming it", async () => {
    h = await connectShell(testConfig(), { workdir: root });
    const command = `: ${"z".repeat(MAX_COMMAND_BYTES)}`;
    const message = errorOf(await h.call("bash", { command }), "INVALID_INPUT");
    expect(message).toContain(`${MAX_COMMAND_BYTES}-byte`);
    expect(message).toContain(`${MAX_COMMAND_BYTES + 2} bytes`);
  });
});
