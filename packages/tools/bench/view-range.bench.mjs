// Time and memory of `view` with a 50-line view_range at the end of a ~10 MB file, through the MCP
// client as a model would call it. The range is read by streaming, so RSS should barely move,
// unlike reading the whole file and splitting it (measured last, for comparison).
// Run after a build: `node --expose-gc bench/view-range.bench.mjs` in packages/tools.

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Session } from "@boris-mcp/session";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { createPathScope, registerTools } from "../dist/index.js";

const TARGET_BYTES = 10 * 1024 * 1024 - 4096;
const RUNS = 10;
const MB = 1024 * 1024;

const gc = globalThis.gc ?? (() => {});
const rssMb = () => process.memoryUsage().rss / MB;
const peakMb = () => (process.resourceUsage().maxRSS * 1024) / MB;

async function makeFile(file) {
  // Written in pieces so building the file does not itself raise the peak RSS.
  const out = createWriteStream(file);
  let bytes = 0;
  let lines = 0;
  while (bytes < TARGET_BYTES) {
    let piece = "";
    for (let i = 0; i < 1000 && bytes + piece.length < TARGET_BYTES; i++) {
      lines++;
      piece += `${String(lines).padStart(7, "0")} ${"lorem ipsum dolor sit amet ".repeat(3)}\n`;
    }
    bytes += piece.length;
    if (!out.write(piece)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { bytes, lines };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const dir = await mkdtemp(path.join(tmpdir(), "boris-view-bench-"));
try {
  const file = path.join(dir, "big.txt");
  const { bytes, lines } = await makeFile(file);

  const config = {
    shell: "/bin/bash",
    defaultTimeoutMs: 120_000,
    maxTimeoutMs: 600_000,
    killGraceMs: 1000,
    drainMs: 100,
    outputLimit: 30_000,
    progressIntervalMs: 50,
    maxFileSize: 10 * MB,
    requireViewBeforeEdit: true,
    anthropicCompat: false,
    disabledTools: new Set(),
    pathScope: createPathScope(),
    searchTimeoutMs: 30_000,
    rgPath: undefined,
  };
  const session = new Session({ workdir: dir });
  const server = new Server({ name: "bench", version: "0" }, { capabilities: {} });
  registerTools(server, session, config);
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "bench", version: "0" });
  await Promise.all([server.connect(b), client.connect(a)]);

  const view = async (args) => {
    const result = await client.callTool({ name: "view", arguments: { path: file, ...args } });
    if (result.isError) throw new Error(result.content[0].text);
    return result.content[0].text;
  };

  const range = [lines - 49, lines];
  await view({ view_range: range }); // warm-up (JIT, file cache)
  gc();
  const rssBefore = rssMb();
  const peakBefore = peakMb();
  const times = [];
  let shown = "";
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    shown = await view({ view_range: range });
    times.push(performance.now() - t0);
  }
  const peakAfterRange = peakMb();
  gc();
  const rssAfter = rssMb();

  const t1 = performance.now();
  const head = await view({});
  const headMs = performance.now() - t1;
  const peakAfterHead = peakMb();

  // For comparison: what reading the whole file and splitting it costs in memory.
  gc();
  const t2 = performance.now();
  const whole = (await readFile(file, "utf8")).split("\n").slice(range[0] - 1, range[1]);
  const naiveMs = performance.now() - t2;
  const peakAfterNaive = peakMb();

  console.log(`file: ${(bytes / MB).toFixed(2)} MB, ${lines} lines`);
  console.log(
    `view_range [${range[0]}, ${range[1]}]: median ${median(times).toFixed(1)} ms, min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${RUNS} runs; ${shown.split("\n").length} lines shown`,
  );
  console.log(
    `  RSS ${rssBefore.toFixed(1)} -> ${rssAfter.toFixed(1)} MB (${(rssAfter - rssBefore).toFixed(1)} MB); peak RSS growth ${(peakAfterRange - peakBefore).toFixed(1)} MB`,
  );
  console.log(
    `no range (first 2000 lines + line count): ${headMs.toFixed(1)} ms; peak RSS growth ${(peakAfterHead - peakAfterRange).toFixed(1)} MB; ${head.split("\n").length} lines of output`,
  );
  console.log(
    `comparison, readFile + split (${whole.length} lines): ${naiveMs.toFixed(1)} ms; peak RSS growth ${(peakAfterNaive - peakAfterHead).toFixed(1)} MB`,
  );
  await client.close();
  await server.close();
  await session.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
