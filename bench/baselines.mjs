// Physical baselines, measured in the same run as the figures they anchor: what the operation costs
// done directly, without any MCP server in between.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Spawn-to-first-byte of a Node process that prints one character: the floor of any Node server's start. */
export function nodeStart() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", "process.stdout.write('1')"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    child.stdout.once("data", () => resolve());
    child.once("error", reject);
  });
}

/**
 * Starts baseline-worker.mjs, a bare Node process doing each operation directly. Every method
 * resolves with the worker's answer after a JSON-line round trip over a pipe, the floor of a
 * JSON-RPC call over stdio:
 *   echo()                                  nothing at all (the ping floor)
 *   bashTrue()                              Node spawning `bash -c true`, pipes read to the end
 *   readFromLine(file, line)                read the file whole, find the line, return the rest
 *   readReplaceWrite(file, oldStr, newStr)  a bare read-replace-write
 *   readReplaceAtomic(file, oldStr, newStr) the same through a temp file, fsync and rename
 */
export function startBaselineWorker() {
  const child = spawn(process.execPath, [path.join(here, "baseline-worker.mjs")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const waiting = new Map();
  createInterface({ input: child.stdout }).on("line", (line) => {
    const { id, result, error } = JSON.parse(line);
    const settle = waiting.get(id);
    waiting.delete(id);
    if (error) settle?.reject(new Error(`baseline worker: ${error}`));
    else settle?.resolve(result);
  });
  let next = 0;
  const call =
    (op) =>
    (...args) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        child.stdin.write(`${JSON.stringify({ id, op, args })}\n`);
      });
  return {
    echo: call("echo"),
    bashTrue: call("bashTrue"),
    readFromLine: call("readFromLine"),
    readReplaceWrite: call("readReplaceWrite"),
    readReplaceAtomic: call("readReplaceAtomic"),
    close() {
      child.kill();
    },
  };
}

/** A bare node:http server in a child answering every POST with a small JSON body: the HTTP floor. */
export function startHttpEcho() {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("http").createServer((req, res) => {
        const parts = []; req.on("data", (c) => parts.push(c)); req.on("end", () => {
          const m = JSON.parse(Buffer.concat(parts).toString());
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ jsonrpc: "2.0", id: m.id, result: {} }));
        });
      }).listen(0, "127.0.0.1", () => console.log(s.address().port));`,
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  return new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => {
      const url = `http://127.0.0.1:${String(chunk).trim()}/`;
      let next = 0;
      resolve({
        async roundTrip() {
          const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: ++next, method: "ping" }),
          });
          await res.json();
        },
        close() {
          child.kill();
        },
      });
    });
    child.once("error", reject);
  });
}

/** Runs `rg args` in `cwd`, counts the `delim` bytes it prints (entries), resolves to the count. */
export function rgCount(rgPath, args, cwd, delim) {
  return new Promise((resolve, reject) => {
    const child = spawn(rgPath, args, { cwd, stdio: ["ignore", "pipe", "ignore"] });
    let n = 0;
    child.stdout.on("data", (b) => {
      for (let i = b.indexOf(delim); i !== -1; i = b.indexOf(delim, i + 1)) n++;
    });
    child.once("error", reject);
    child.once("close", () => resolve(n));
  });
}
