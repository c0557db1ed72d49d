// The physical baseline "server": a bare Node process that does each operation directly (no MCP, no
// validation, no scoping) and answers over a pipe, one JSON line per request. Measured from the bench
// like the servers are, so a ratio compares like with like: the same process start state, the same
// pipe round trip, and not the bench process's own (larger) heap, which would slow its spawns.
import { spawn } from "node:child_process";
import { open, readFile, rename, writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";

/** Spawns `bash -c true` with its output piped, until it has exited and closed its pipes. */
function bashTrue() {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", "true"], { stdio: ["ignore", "pipe", "pipe"] });
    child.once("close", () => resolve(""));
    child.once("error", reject);
  });
}

/** Reads `file` whole and returns its lines from `fromLine` (1-based) on. */
async function readFromLine(file, fromLine) {
  const buf = await readFile(file);
  let at = 0;
  for (let line = 1; line < fromLine; line++) {
    at = buf.indexOf(10, at) + 1;
    if (at === 0) return "";
  }
  return buf.toString("utf8", at);
}

/** A bare read-replace-write of a unique string. */
async function readReplaceWrite(file, oldStr, newStr) {
  const text = await readFile(file, "utf8");
  const at = text.indexOf(oldStr);
  if (at === -1 || text.indexOf(oldStr, at + 1) !== -1) throw new Error(`${oldStr} is not unique in ${file}`);
  await writeFile(file, text.slice(0, at) + newStr + text.slice(at + oldStr.length));
  return "";
}

/**
 * The floor of an edit that cannot tear the file (what str_replace promises, SPEC §3.4): read,
 * replace, write a temp file in the same directory, fsync it, rename it over the file.
 */
async function readReplaceAtomic(file, oldStr, newStr) {
  const text = await readFile(file, "utf8");
  const at = text.indexOf(oldStr);
  if (at === -1 || text.indexOf(oldStr, at + 1) !== -1) throw new Error(`${oldStr} is not unique in ${file}`);
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, "wx", 0o644);
  try {
    await fh.writeFile(text.slice(0, at) + newStr + text.slice(at + oldStr.length));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  return "";
}

const ops = {
  echo: async () => "",
  bashTrue,
  readFromLine,
  readReplaceWrite,
  readReplaceAtomic,
};

createInterface({ input: process.stdin }).on("line", async (line) => {
  const { id, op, args } = JSON.parse(line);
  let answer;
  try {
    answer = { id, result: await ops[op](...args) };
  } catch (err) {
    answer = { id, error: String(err?.message ?? err) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
});
