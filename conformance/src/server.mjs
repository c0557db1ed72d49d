import { spawn } from "node:child_process";

const LISTENING = /^boris-http listening on (http:\/\/\S+\/mcp)$/m;
/** Kept for diagnostics; the server logs a line per session, so this is plenty. */
const STDERR_KEEP = 64 * 1024;

/**
 * @typedef {object} RunningServer
 * @property {number} pid
 * @property {string} url the MCP endpoint from the server's "listening" line
 * @property {() => string} stderr what the server wrote to stderr so far (the last 64 KiB)
 * @property {() => boolean} exited whether the process has exited (on its own or stopped)
 * @property {(opts?: { graceMs?: number }) => Promise<StopResult>} stop
 */

/**
 * @typedef {object} StopResult
 * @property {boolean} clean exited on SIGTERM within the grace period with code 0
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 * @property {boolean} killed needed SIGKILL
 * @property {boolean} alreadyExited had exited before stop was called
 */

/**
 * Starts `node <main> <args>` and waits for the `boris-http listening on URL` line on stderr.
 * Rejects (with the process already gone) if the server exits or stays silent past `startTimeoutMs`.
 * @param {{ node: string, main: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, startTimeoutMs?: number }} opts
 * @returns {Promise<RunningServer>}
 */
export async function startServer({ node, main, args, cwd, env, startTimeoutMs = 15_000 }) {
  const child = spawn(node, [main, ...args], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.on("error", () => {}); // reported through the start promise; must not crash the runner later
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });
  /** @type {Promise<void>} */
  const exited = new Promise((resolve) => child.once("exit", () => resolve()));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;

  /** @param {{ graceMs?: number }} [opts] */
  const stop = async ({ graceMs = 10_000 } = {}) => {
    const alreadyExited = hasExited();
    let killed = false;
    if (!alreadyExited && child.pid !== undefined) {
      child.kill("SIGTERM");
      if (!(await settlesWithin(exited, graceMs))) {
        killed = true;
        child.kill("SIGKILL");
        await exited;
      }
    }
    const pid = child.pid;
    if (pid !== undefined && isAlive(pid)) throw new Error(`boris-http (pid ${pid}) is still running`);
    const code = child.exitCode;
    const signal = child.signalCode;
    return { clean: !alreadyExited && !killed && code === 0, code, signal, killed, alreadyExited };
  };

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`no "listening" line within ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    /** @param {Error | null} err @param {string} [found] */
    const done = (err, found) => {
      clearTimeout(timer);
      child.stderr.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
      if (err) reject(err);
      else resolve(found);
    };
    const onData = () => {
      const match = LISTENING.exec(stderr);
      if (match?.[1]) done(null, match[1]);
    };
    /** @param {number | null} code @param {NodeJS.Signals | null} signal */
    const onExit = (code, signal) =>
      done(new Error(`exited before listening (code ${code}, signal ${signal})`));
    /** @param {Error} err */
    const onError = (err) => done(new Error(`could not start ${node}: ${err.message}`));
    child.stderr.on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  }).catch(async (err) => {
    await stop({ graceMs: 2000 }).catch(() => {});
    // The pid lets the caller (and a reader of the log) check that the process is really gone.
    const who = child.pid === undefined ? "boris-http" : `boris-http (pid ${child.pid})`;
    throw new Error(`${who} did not start: ${err.message}\n--- server stderr ---\n${stderr}`);
  });

  return { pid: /** @type {number} */ (child.pid), url, stderr: () => stderr, exited: hasExited, stop };
}

/**
 * @param {Promise<unknown>} promise
 * @param {number} ms
 * @returns {Promise<boolean>} whether the promise settled first
 */
function settlesWithin(promise, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** @param {number} pid */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === "EPERM";
  }
}
