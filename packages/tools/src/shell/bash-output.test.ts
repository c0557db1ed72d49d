import { type Progress, ProgressNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { config, h, open, root, useBashFixture } from "../test/bash-fixture.js";
import { okText } from "../test/file-support.js";
import { structured } from "../test/shell-support.js";
import { sentinelMarker } from "./cwd-sentinel.js";

useBashFixture();

describe("bash: output", () => {
  it("caps each stream at the limit, keeping head and tail with the omitted marker", async () => {
    await open();
    const result = await h.call("bash", { command: "seq 1 200000; seq 1 100000 >&2" });
    const { stdout, stderr } = structured(result) as { stdout: string; stderr: string };
    const seqLength = (n: number) => {
      let total = 0;
      for (let i = 1; i <= n; i++) total += String(i).length + 1;
      return total;
    };
    // The wrapper's sentinel line is part of what was read (and lies in the kept tail).
    const sentinelLine = `${sentinelMarker(h.session.nonce)}${root}\n`.length;
    const omittedOut = seqLength(200_000) + sentinelLine - config.outputLimit;
    expect(stdout.startsWith("1\n2\n3\n")).toBe(true);
    expect(stdout).toContain(`\n[… ${omittedOut} characters omitted …]\n`);
    expect(stdout.endsWith("199999\n200000\n")).toBe(true);
    expect(stdout).not.toContain("__BORIS_CWD_");
    expect(stderr).toContain(`\n[… ${seqLength(100_000) - config.outputLimit} characters omitted …]\n`);
    expect(stderr.endsWith("99999\n100000\n")).toBe(true);
    expect(stdout.length).toBeLessThan(config.outputLimit + 60);
    expect(h.session.cwd).toBe(root);
  });

  it("streams output as progress notifications, in order and coalesced", async () => {
    await open({ progressIntervalMs: 100 });
    const notes: Progress[] = [];
    const started = performance.now();
    const result = await h.call(
      "bash",
      { command: "for i in $(seq 1 150); do echo line $i; sleep 0.005; done; echo done >&2" },
      { onprogress: (p) => notes.push(p) },
    );
    const elapsed = performance.now() - started;
    const stdout = String(structured(result).stdout);
    expect(stdout.split("\n")).toHaveLength(151);
    // Everything arrived, in order, without the cwd sentinel.
    const streamed = notes.map((n) => n.message ?? "").join("");
    expect(streamed.replace("done\n", "")).toBe(stdout);
    expect(streamed).toContain("done\n");
    expect(streamed).not.toContain("__BORIS_CWD_");
    for (let i = 1; i < notes.length; i++) expect(notes[i]!.progress).toBeGreaterThan(notes[i - 1]!.progress);
    // Coalesced: at most one per interval (plus the final flush), far fewer than lines.
    expect(notes.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(notes.length).toBeLessThan(75);
  });

  it("caps what one notification carries and keeps the newest lines", async () => {
    await open({ progressIntervalMs: 50 });
    const notes: Progress[] = [];
    await h.call("bash", { command: "seq 1 300000" }, { onprogress: (p) => notes.push(p) });
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) expect((note.message ?? "").length).toBeLessThanOrEqual(4096);
    expect(notes.at(-1)?.message?.endsWith("299999\n300000\n")).toBe(true);
    expect(notes.some((n) => n.message?.includes("__BORIS_CWD_"))).toBe(false);
  });

  it("sends no notifications without a progress token", async () => {
    await open();
    const seen: unknown[] = [];
    h.client.setNotificationHandler(ProgressNotificationSchema, (n) => {
      seen.push(n);
    });
    okText(await h.call("bash", { command: "seq 1 1000" }));
    expect(seen).toEqual([]);
  });
});
