// Descriptor I/O for the file tools: numeric descriptors and the callback API, as promises. A
// FileHandle (fs/promises) costs several times more per call (measured: open + fstat + close
// 74–170 µs against 26–47 µs), and an edit makes a dozen such calls. fstat and close are
// synchronous: on an open descriptor they wait for no I/O (close of a file written with O_SYNC has
// nothing left to flush).
import fs from "node:fs";

/** Calls a callback-style fs function; resolves with its first result or rejects with its error. */
function settle<T>(call: (done: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value))));
}

export function openFd(path: string, flags: number, mode?: number): Promise<number> {
  return settle((done) => fs.open(path, flags, mode, done));
}

/**
 * open(2) on the calling thread, for opens that wait for no I/O: a path the caller has just
 * canonicalised (realpath walked the same components, so every lookup is in the dentry cache) with
 * O_NONBLOCK or O_PATH. It saves the thread-pool round trip, which costs more than the open.
 */
export function openFdNow(path: string, flags: number): number {
  return fs.openSync(path, flags);
}

/** Reads into `buffer` at `offset`; resolves with the bytes read (0 at end of file). */
export function readFd(
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return settle((done) => fs.read(fd, buffer, offset, length, position, done));
}

export function writeFd(
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  return settle((done) => fs.write(fd, buffer, offset, length, position, done));
}

/** Writes `buffers` in order with one writev call; resolves with the bytes written. */
export function writevFd(fd: number, buffers: readonly Uint8Array[], position: number): Promise<number> {
  return settle((done) => fs.writev(fd, buffers as Uint8Array[], position, done));
}

export function fchmodFd(fd: number, mode: number): Promise<void> {
  return settle((done) => fs.fchmod(fd, mode, (err) => done(err, undefined)));
}

export function fchownFd(fd: number, uid: number, gid: number): Promise<void> {
  return settle((done) => fs.fchown(fd, uid, gid, (err) => done(err, undefined)));
}

export function fstatFd(fd: number): fs.Stats {
  return fs.fstatSync(fd);
}

/** Closes `fd`, ignoring errors (there is nothing to do about a failed close of a read descriptor). */
export function closeFd(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // EBADF or EIO: the descriptor is gone either way.
  }
}
