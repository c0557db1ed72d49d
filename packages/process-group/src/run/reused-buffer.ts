import { Socket } from "node:net";
import type { Readable } from "node:stream";

// Node reads a child's pipe into a fresh 64 KB buffer per read, which V8 frees late: a `yes` left
// running grew the server by ~60 MB. A socket reads into one buffer of ours only when it has
// `onread: { buffer, callback }`, an option of the Socket constructor alone, while spawn() has already
// made the sockets. So the pipe is moved over, in the same tick as the spawn (before any read): onto
// the socket spawn made, by giving it what the constructor would have set (cheap: no second socket),
// or else onto a new socket built around spawn's handle (~50 µs a pipe). Where neither fits (a future
// Node), the pipe is read the ordinary way. The test suite checks that reads do reuse one buffer.

/** What a pipe holds by default on Linux: one read never brings more. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Read buffers of closed pipes, for the next ones: most commands are short, and a fresh 64 KB per pipe
 * per command would bring back the garbage this avoids. Bounded, so that a burst of parallel commands
 * does not pin its buffers for ever.
 */
const spareBuffers: Buffer[] = [];
const MAX_SPARE_BUFFERS = 16;

/** Views kept per pipe, one per read length seen. */
const MAX_VIEWS = 64;

interface PipeHandle {
  useUserBuffer?: (buffer: Uint8Array) => void;
  reading?: boolean;
}

type SocketInternals = Record<symbol, unknown> & { _handle?: PipeHandle | null };

/** A socket's own symbol property named `name` (the internals `onread` sets), if it has one. */
function ownSymbol(socket: object, name: string): symbol | undefined {
  return Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === name);
}

/**
 * Starts reading `source` (a child's stdout or stderr, fresh from spawn) into one reused buffer,
 * calling `onChunk` with each chunk: a view of that buffer, valid during the call only. Returns the
 * stream whose `end`/`close` tell that the pipe is closed.
 */
export function readIntoReusedBuffer(source: Readable, onChunk: (chunk: Buffer) => void): Readable {
  const internals = source as unknown as SocketInternals;
  const handle = internals._handle;
  if (!(source instanceof Socket) || !handle || typeof handle.useUserBuffer !== "function") {
    source.on("data", onChunk);
    return source;
  }
  const buffer = spareBuffers.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  // Chunks are views of the buffer, kept by length: a flood (full reads, or reads of a writer's block
  // size) creates no object per read; ~30k reads a second of small garbage made V8 grow its young
  // generation by ~15 MB.
  const views = new Map<number, Buffer>([[buffer.length, buffer]]);
  const callback = (n: number): void => {
    let view = views.get(n);
    if (!view) {
      view = buffer.subarray(0, n);
      if (views.size < MAX_VIEWS) views.set(n, view);
    }
    onChunk(view);
  };
  let socket: Socket;
  const kBuffer = ownSymbol(source, "kBuffer");
  const kBufferCb = ownSymbol(source, "kBufferCb");
  const kBufferGen = ownSymbol(source, "kBufferGen");
  const fresh =
    kBuffer && kBufferCb && kBufferGen && internals[kBuffer] == null && internals[kBufferGen] == null;
  if (fresh && handle.reading === true) {
    internals[kBuffer] = buffer;
    internals[kBufferCb] = callback;
    // Read after every chunk to pick the next buffer; must be null for a fixed one.
    internals[kBufferGen] = null;
    handle.useUserBuffer(buffer);
    socket = source;
  } else {
    internals._handle = null;
    source.destroy();
    socket = new Socket({
      handle,
      readable: true,
      writable: false,
      onread: { buffer, callback },
    } as ConstructorParameters<typeof Socket>[0]);
  }
  // Once the handle is closed nothing reads into the buffer any more.
  socket.once("close", () => {
    if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(buffer);
  });
  return socket;
}
