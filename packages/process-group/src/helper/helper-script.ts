/**
 * The spawn helper's whole program, run as `node -e` (so a bundled server needs no file of it).
 *
 * It reads one request per IPC message — `{ id, file, args, cwd, env }` — spawns the command as the
 * leader of a new process group with stdout, stderr and fd 3 piped, and sends back our ends of the
 * three pipes (one raw pipe handle per message: `{ id, pid, fd }`), then `{ id, exit: [code, signal] }` when
 * the leader exits, or `{ id, error }` when it could not start. It exits when the server goes away
 * (the IPC channel closes, or it finds itself with a new parent): the processes it started are the
 * server's to end, not its own. `ps`
 * shows it as `boris-spawn-helper`.
 */
export const HELPER_SCRIPT = `"use strict";
process.title = "boris-spawn-helper";
const { spawn } = require("node:child_process");
process.on("disconnect", () => process.exit(0));
// "disconnect" waits behind a handle the server never acknowledged (it died meanwhile): being
// handed to a new parent says the server is gone all the same.
const server = process.ppid;
setInterval(() => {
  if (process.ppid !== server) process.exit(0);
}, 500);
process.on("message", (m) => {
  let child;
  try {
    child = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, detached: true, stdio: ["ignore", "pipe", "pipe", "pipe"] });
  } catch (err) {
    process.send({ id: m.id, error: String((err && err.code) || err) });
    return;
  }
  child.on("error", () => {});
  if (child.pid === undefined) {
    process.send({ id: m.id, error: "spawn failed" });
    return;
  }
  // Our ends of the pipes, taken off their sockets at once: the child may exit and its pipes close
  // before the later handles are sent (Node sends one handle per acknowledged message).
  const ends = [child.stdout, child.stderr, child.stdio[3]].map((socket) => {
    const handle = socket._handle;
    socket._handle = null;
    if (handle.reading) handle.readStop();
    return handle;
  });
  // Once a message is written the server holds its own copy of the pipe: ours is closed (Node
  // closes a sent socket's handle, not a raw one).
  ends.forEach((handle, i) => process.send({ id: m.id, pid: child.pid, fd: i + 1 }, handle, () => handle.close()));
  child.once("exit", (code, signal) => process.send({ id: m.id, exit: [code, signal] }));
});
`;
