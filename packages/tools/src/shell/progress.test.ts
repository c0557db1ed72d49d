import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SentinelFilter, sentinelMarker } from "./cwd-sentinel.js";
import { ProgressStream } from "./progress.js";

interface Sent {
  progress: number;
  message: string;
}

function recorder() {
  const sent: Sent[] = [];
  return {
    sent,
    send: async (progress: number, message: string) => {
      sent.push({ progress, message });
    },
  };
}

describe("ProgressStream", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("coalesces a burst into one notification and spaces the next by the interval", async () => {
    const { sent, send } = recorder();
    const stream = new ProgressStream({ intervalMs: 50, send });
    for (let i = 0; i < 1000; i++) stream.push("stdout", Buffer.from(`line ${i}\n`));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message.endsWith("line 999\n")).toBe(true);

    stream.push("stdout", Buffer.from("next\n"));
    await vi.advanceTimersByTimeAsync(49);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.message).toBe("next\n");
    expect(sent[1]!.progress).toBeGreaterThan(sent[0]!.progress);
  });

  it("caps one notification to the newest lines", async () => {
    const { sent, send } = recorder();
    const stream = new ProgressStream({ intervalMs: 50, maxChars: 100, send });
    for (let i = 0; i < 500; i++) stream.push("stdout", Buffer.from(`line ${i}\n`));
    await stream.close();
    expect(sent).toHaveLength(1);
    const message = sent[0]!.message;
    expect(message.length).toBeLessThanOrEqual(100);
    expect(message.startsWith("line ")).toBe(true);
    expect(message.endsWith("line 498\nline 499\n")).toBe(true);
  });

  it("decodes only the end of a huge chunk, from a character boundary", async () => {
    const { sent, send } = recorder();
    const stream = new ProgressStream({ intervalMs: 50, maxChars: 10, send });
    stream.push("stdout", Buffer.from(`${"€".repeat(1000)}\nend €\n`));
    await stream.close();
    expect(sent[0]!.message).toBe("end €\n");
    expect(sent[0]!.progress).toBe(Buffer.byteLength(`${"€".repeat(1000)}\nend €\n`));
  });

  it("decodes UTF-8 split across chunks", async () => {
    const { sent, send } = recorder();
    const stream = new ProgressStream({ intervalMs: 50, send });
    const bytes = Buffer.from("é😀\n");
    for (const byte of bytes) stream.push("stderr", Buffer.from([byte]));
    await stream.close();
    expect(sent.map((s) => s.message).join("")).toBe("é😀\n");
  });

  it("sends the rest on close, in order, and nothing after", async () => {
    const { sent, send } = recorder();
    const stream = new ProgressStream({ intervalMs: 1000, send });
    stream.push("stdout", Buffer.from("a\n"));
    await vi.advanceTimersByTimeAsync(0);
    stream.push("stderr", Buffer.from("b\n"));
    stream.push("stdout", Buffer.from("c\n"));
    await stream.close();
    stream.push("stdout", Buffer.from("late\n"));
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.map((s) => s.message)).toEqual(["a\n", "b\nc\n"]);
  });

  it("drops the cwd sentinel from stdout, also when it is split across chunks", async () => {
    const nonce = "0123456789abcdef";
    const marker = sentinelMarker(nonce);
    const { sent, send } = recorder();
    const stream = new ProgressStream({ intervalMs: 50, send, filterStdout: new SentinelFilter(nonce) });
    stream.push("stdout", Buffer.from("out\nno newline"));
    stream.push("stdout", Buffer.from(`${marker.slice(0, 7)}`));
    stream.push("stdout", Buffer.from(`${marker.slice(7)}/some/dir`));
    stream.push("stdout", Buffer.from("\nafter\n"));
    await stream.close();
    expect(sent.map((s) => s.message).join("")).toBe("out\nno newlineafter\n");
  });
});

describe("SentinelFilter", () => {
  const nonce = "feedfacecafebeef";
  const marker = sentinelMarker(nonce);

  it("keeps look-alikes and text that only starts like the marker", () => {
    const filter = new SentinelFilter(nonce);
    const text = "__BORIS_CWD_deadbeef__/tmp\n__BORIS\n";
    expect(filter.filter(text) + filter.flush()).toBe(text);
  });

  it("holds back what may be the start of a sentinel and releases it at flush", () => {
    const filter = new SentinelFilter(nonce);
    expect(filter.filter("abc\n__BOR")).toBe("abc\n");
    expect(filter.filter("ING\n")).toBe("__BORING\n");
    expect(filter.filter(`x${marker}/unfinished`)).toBe("x");
    expect(filter.flush()).toBe(`${marker}/unfinished`);
  });

  it("removes the sentinel from its marker to its newline", () => {
    const filter = new SentinelFilter(nonce);
    expect(filter.filter(`no newline${marker}/x\n`)).toBe("no newline");
    expect(filter.filter(`a\n${marker}/x\nlate\n`)).toBe("a\nlate\n");
    expect(filter.flush()).toBe("");
  });
});
