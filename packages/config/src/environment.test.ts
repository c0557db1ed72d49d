import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkOptionsOnDisk, readPackageVersion } from "./environment.js";
import { parseOptions } from "./parse.js";
import { TEST_TOOL_NAMES } from "./test/tool-names.js";

const dir = mkdtempSync(join(tmpdir(), "boris-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opts(argv: string[]) {
  const r = parseOptions({ program: "boris", argv, env: {}, cwd: dir, toolNames: TEST_TOOL_NAMES });
  if (r.kind !== "run") throw new Error(JSON.stringify(r));
  return r.options;
}

describe("checkOptionsOnDisk", () => {
  it("accepts an existing workdir and shell", () => {
    expect(checkOptionsOnDisk("boris", opts(["--shell", "/bin/sh"]))).toBeUndefined();
  });

  it("names a missing workdir or allowed dir", () => {
    expect(checkOptionsOnDisk("boris", opts(["--workdir", "nope"]))).toBe(
      `boris: --workdir "${join(dir, "nope")}": no such directory. Run 'boris --help' to see the options.`,
    );
    expect(checkOptionsOnDisk("boris", opts(["--allow-dir", "/no/such/dir"]))).toContain(
      '--allow-dir "/no/such/dir": no such directory',
    );
  });

  it("says a workdir or allowed dir that names a file is not a directory", () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    expect(checkOptionsOnDisk("boris", opts(["--workdir", file]))).toBe(
      `boris: --workdir "${file}": is not a directory. Run 'boris --help' to see the options.`,
    );
    expect(checkOptionsOnDisk("boris", opts(["--allow-dir", file]))).toContain(
      `--allow-dir "${file}": is not a directory`,
    );
    expect(checkOptionsOnDisk("boris", opts(["--workdir", join(file, "sub")]))).toContain(
      "a part of the path is not a directory",
    );
  });

  it("names a shell that cannot be executed, unless bash is disabled", () => {
    const file = join(dir, "not-exec");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    expect(checkOptionsOnDisk("boris", opts(["--shell", file]))).toContain("not an executable file");
    expect(checkOptionsOnDisk("boris", opts(["--shell", file, "--disable-tools", "bash"]))).toBeUndefined();
  });
});

describe("readPackageVersion", () => {
  it("reads the version of the package a module belongs to", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(readPackageVersion(import.meta.url)).toBe(pkg.version);
  });
});
