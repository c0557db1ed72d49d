// Single-file grep searches exactly the file it checked (issue 11 §1): a name swapped for a symlink
// to an outside file between the check and rg's start cannot redirect it; and a path naming a FIFO
// or a device is refused at once instead of running to the deadline (issue 11 §3).
import { execFileSync } from "node:child_process";
import { rename, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createPathScope } from "../scope/path-scope.js";
import { errorOf, okText, testConfig } from "../test/file-support.js";
import { searchFixture, wrappedRg } from "../test/search-support.js";

const { folder: dir, serve } = searchFixture("boris-grep-file-");

describe("single-file grep", () => {
  it("searches the file it checked even when the name is swapped for a link out of scope before rg starts", async () => {
    const root = await dir("boris-grep-swap-");
    const outside = await dir("boris-grep-outside-");
    const bin = await dir("boris-grep-swap-bin-");
    await writeFile(path.join(outside, "secret.txt"), "needle outside\n");
    const target = path.join(root, "target.txt");
    const moved = path.join(root, "moved.txt");
    // The swap happens after the server checked the path, right before rg opens what it was given.
    const rgPath = await wrappedRg(
      bin,
      `if [ ! -L '${target}' ]; then mv '${target}' '${moved}'; ln -s '${outside}/secret.txt' '${target}'; fi`,
    );
    const h = await serve(testConfig({ rgPath, pathScope: createPathScope({ allowDirs: [root] }) }), root);
    for (const mode of ["content", "count", "files_with_matches"]) {
      await rm(target, { force: true });
      await writeFile(target, "needle inside\n");
      const text = okText(await h.call("grep", { pattern: "needle", path: "target.txt", output_mode: mode }));
      expect(text).not.toContain("outside");
      expect(text).toBe(
        { content: "target.txt:1:needle inside", count: "target.txt:1", files_with_matches: "target.txt" }[
          mode
        ],
      );
      await rm(moved, { force: true });
    }
    // The swapped name itself is now a link out of scope: refused.
    expect(
      errorOf(await h.call("grep", { pattern: "needle", path: "target.txt" }), "ACCESS_DENIED"),
    ).toContain("target.txt");
  });

  it("a FIFO or a device as the path is refused at once", async () => {
    const root = await dir("boris-grep-fifo-");
    execFileSync("mkfifo", [path.join(root, "pipe")]);
    // A deadline far beyond the test's: the refusal must not wait for it.
    const h = await serve(testConfig({ searchTimeoutMs: 600_000 }), root);
    for (const mode of ["content", "count", "files_with_matches"]) {
      expect(
        errorOf(await h.call("grep", { pattern: "x", path: "pipe", output_mode: mode }), "IO_ERROR"),
      ).toBe(
        "grep: pipe is not a regular file (a FIFO); only regular files and directories can be searched.",
      );
    }
    expect(errorOf(await h.call("grep", { pattern: "x", path: "/dev/zero" }), "IO_ERROR")).toContain(
      "/dev/zero is not a regular file (a character device)",
    );
  }, 20_000);

  it("a path through a symlink in scope searches its target under the name given; a dangling one is PATH_NOT_FOUND", async () => {
    const root = await dir("boris-grep-flip-");
    await writeFile(path.join(root, "real.txt"), "needle\n");
    await symlink(path.join(root, "real.txt"), path.join(root, "link.txt"));
    const h = await serve(testConfig(), root);
    // Through the link, the file itself is searched and shown under the name given.
    expect(okText(await h.call("grep", { pattern: "needle", path: "link.txt", output_mode: "count" }))).toBe(
      "link.txt:1",
    );
    await rename(path.join(root, "real.txt"), path.join(root, "gone.txt"));
    expect(
      errorOf(await h.call("grep", { pattern: "needle", path: "link.txt" }), "PATH_NOT_FOUND"),
    ).toContain("link.txt");
  });
});
