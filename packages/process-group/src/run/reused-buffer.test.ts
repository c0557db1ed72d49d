import { spawn } from "node:child_process";
import { once } from "node:events";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readIntoReusedBuffer } from "./reused-buffer.js";

/** `head -c bytes /dev/zero` with its stdout read by readIntoReusedBuffer after `prepare`. */
async function readFlood(bytes: number, prepare: (stdout: Readable) => void = () => {}) {
  const child = spawn("head", ["-c", String(bytes), "/dev/zero"], { stdio: ["ignore", "pipe", "ignore"] });
  prepare(child.stdout!);
  const memories = new Set<ArrayBufferLike>();
  let total = 0;
  const stream = readIntoReusedBuffer(child.stdout!, (chunk) => {
    memories.add(chunk.buffer);
    total += chunk.length;
  });
  await once(stream, "close");
  return { total, memories, tookOverSpawnSocket: stream === child.stdout };
}

describe("readIntoReusedBuffer", () => {
  it("reads a child's pipe into one buffer, on the socket spawn made", async () => {
    const { total, memories, tookOverSpawnSocket } = await readFlood(3_000_000);
    expect(total).toBe(3_000_000);
    expect(memories.size).toBe(1);
    expect(tookOverSpawnSocket).toBe(true);
  });

  it("falls back to a new socket around the pipe when the spawn socket's internals are not there", async () => {
    const { total, memories, tookOverSpawnSocket } = await readFlood(3_000_000, (stdout) => {
      for (const symbol of Object.getOwnPropertySymbols(stdout)) {
        if (symbol.description === "kBuffer") Reflect.deleteProperty(stdout, symbol);
      }
    });
    expect(total).toBe(3_000_000);
    expect(memories.size).toBe(1);
    expect(tookOverSpawnSocket).toBe(false);
  });

  it("reads any other stream the ordinary way", async () => {
    const chunks: string[] = [];
    const source = Readable.from([Buffer.from("a"), Buffer.from("b")]);
    const stream = readIntoReusedBuffer(source, (chunk) => chunks.push(chunk.toString()));
    await once(stream, "end");
    expect(chunks).toEqual(["a", "b"]);
  });
});
