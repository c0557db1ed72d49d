import { describe, expect, it } from "vitest";
import { isAlive, startServer } from "./server.mjs";

const LISTEN = `process.stderr.write("boris-http listening on http://127.0.0.1:4567/mcp\\n");`;
const STAY = "setInterval(() => {}, 1000);";

/**
 * Starts `node -e script` as the "server": the real boris-http is exercised by run.mjs itself; these
 * cover the ways a server can misbehave, which the real one should not do on cue.
 * @param {string} script
 * @param {number} [startTimeoutMs]
 */
const fake = (script, startTimeoutMs) =>
  startServer({
    node: process.execPath,
    main: "-e",
    args: [script],
    cwd: process.cwd(),
    env: process.env,
    ...(startTimeoutMs ? { startTimeoutMs } : {}),
  });

describe("startServer", () => {
  it("returns the URL of the listening line; a graceful exit with code 0 on SIGTERM is clean", async () => {
    const server = await fake(
      `process.on("SIGTERM", () => process.exit(0)); process.stderr.write("starting\\n"); ${LISTEN} ${STAY}`,
    );
    expect(server.url).toBe("http://127.0.0.1:4567/mcp");
    expect(isAlive(server.pid)).toBe(true);
    expect(server.stderr()).toContain("starting\n");

    const stop = await server.stop();
    expect(stop).toEqual({ clean: true, code: 0, signal: null, killed: false, alreadyExited: false });
    expect(isAlive(server.pid)).toBe(false);
  });

  it("counts dying of SIGTERM without a shutdown of its own as not clean", async () => {
    const server = await fake(`${LISTEN} ${STAY}`);
    const stop = await server.stop();
    expect(stop).toEqual({
      clean: false,
      code: null,
      signal: "SIGTERM",
      killed: false,
      alreadyExited: false,
    });
    expect(isAlive(server.pid)).toBe(false);
  });

  it("kills a server that ignores SIGTERM once the grace period is over, and says so", async () => {
    const server = await fake(`process.on("SIGTERM", () => {}); ${LISTEN} ${STAY}`);
    const stop = await server.stop({ graceMs: 200 });
    expect(stop).toMatchObject({ clean: false, killed: true, signal: "SIGKILL" });
    expect(isAlive(server.pid)).toBe(false);
  });

  it("reports a server that exits by itself before stop as not clean", async () => {
    const server = await fake(`${LISTEN} setTimeout(() => process.exit(3), 50);`);
    while (!server.exited()) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await server.stop()).toMatchObject({ clean: false, code: 3, alreadyExited: true });
  });

  it("rejects with the server's stderr when it exits before listening", async () => {
    await expect(
      fake(`process.stderr.write("boris-http: --port: bad\\n"); process.exit(2);`),
    ).rejects.toThrow(
      /boris-http \(pid \d+\) did not start: exited before listening \(code 2[\s\S]*boris-http: --port: bad/,
    );
  });

  it("rejects and kills a server that never prints the listening line", async () => {
    // The pid comes from the error, not from the child's output: under load the child may not even
    // have started running its script when the start timeout fires, and that case must pass too.
    const error = await fake(`process.stderr.write("starting\\n"); ${STAY}`, 300).then(
      () => new Error("started"),
      (err) => err,
    );
    expect(error.message).toMatch(/^boris-http \(pid \d+\) did not start: no "listening" line within 300 ms/);
    const pid = Number(/^boris-http \(pid (\d+)\)/.exec(error.message)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
  });

  it("rejects when the node binary cannot be started", async () => {
    await expect(
      startServer({ node: "/nonexistent/node", main: "x", args: [], cwd: process.cwd(), env: process.env }),
    ).rejects.toThrow(
      /^boris-http did not start: could not start \/nonexistent\/node: spawn \/nonexistent\/node ENOENT/,
    );
  });
});
