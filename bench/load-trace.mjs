// Diagnostics of the HTTP load stage: where a call's time goes. Not figures of the table.
// - The bench's own event-loop delay, in 100 ms windows: a call's time is measured on this loop, so
//   a busy bench loop adds to every call it measures (its answer waits for the loop to be read).
// - With BORIS_BENCH_LOAD_TRACE=1, the server runs with `--log-level debug` and logs every request's
//   timing (apps/http-server/src/http/request-trace.ts); each call's time is split, on the wall
//   clock both processes share, into: bench → server (the request waits in the bench, the kernel
//   and the server's loop before its headers are parsed), server (headers parsed → last byte of the
//   answer handed to the socket), server → bench (the answer waits for the bench's loop and the SDK
//   to resolve the call).
import diagnostics from "node:diagnostics_channel";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { median } from "./stats.mjs";

export const TRACE = process.env.BORIS_BENCH_LOAD_TRACE === "1";
/** Server arguments that make it write the trace. */
export const TRACE_ARGS = ["--log-level", "debug", "--log-format", "json"];
const WINDOW_MS = 100;

export const wallMs = () => performance.timeOrigin + performance.now();
const r1 = (x) => Math.round(x * 10) / 10;

/** Samples the bench's event-loop delay per WINDOW_MS until stop(); returns [ms since start, mean, max]. */
export function watchBenchLoop(start) {
  const h = monitorEventLoopDelay({ resolution: 2 });
  const all = monitorEventLoopDelay({ resolution: 2 });
  h.enable();
  all.enable();
  const windows = [];
  const timer = setInterval(() => {
    if (h.count > 0) windows.push([Math.round(performance.now() - start), r1(h.mean / 1e6), r1(h.max / 1e6)]);
    h.reset();
  }, WINDOW_MS);
  return () => {
    clearInterval(timer);
    h.disable();
    all.disable();
    return {
      windows,
      meanMs: r1(all.mean / 1e6),
      p99Ms: r1(all.percentile(99) / 1e6),
      maxMs: r1(all.max / 1e6),
    };
  };
}

/**
 * A fetch for the SDK transport that notes when each POSTed request was handed to fetch (in
 * `sent`, by `session/rpcId`): the time between the call and that moment is the SDK's and the bench
 * loop's, the time from there to the server's "received" the connection's and the server's accept.
 */
export function tracedFetch(sent) {
  return (url, init) => {
    if (init?.method === "POST" && typeof init.body === "string") {
      const id = /"id":(\d+)/.exec(init.body)?.[1];
      const session = init.headers?.get?.("mcp-session-id");
      if (id !== undefined && session) sent.set(`${session}/${id}`, wallMs());
    }
    return fetch(url, init);
  };
}

/**
 * Counts undici's connections over time: [ms since start, "connect" | "connected" | "error"]; a
 * request that needs a new connection waits for it.
 */
export function watchConnections(start) {
  const events = [];
  const note = (what) => () => events.push([Math.round(performance.now() - start), what]);
  const subs = [
    ["undici:client:beforeConnect", note("connect")],
    ["undici:client:connected", note("connected")],
    ["undici:client:connectError", note("error")],
  ];
  for (const [name, fn] of subs) diagnostics.subscribe(name, fn);
  return () => {
    for (const [name, fn] of subs) diagnostics.unsubscribe(name, fn);
    return events;
  };
}

/** The server's "request answered" records by `session/rpcId`, and its event-loop windows. */
function serverRecords(log) {
  const requests = new Map();
  const loop = [];
  for (const line of log.split("\n")) {
    if (!line.startsWith("{")) continue;
    let rec;
    try {
      rec = JSON.parse(line);
    } catch {
      continue;
    }
    if (rec.msg === "request answered" && rec.rpcId !== undefined)
      requests.set(`${rec.session}/${rec.rpcId}`, rec);
    else if (rec.msg === "event loop delay") loop.push(rec);
  }
  return { requests, loop };
}

/**
 * Splits each traced call (`[k, i, tool, wallStart, wallEnd, sessionId]`, rpc id i + 1: the SDK
 * numbers a client's requests from 0, the initialize) with the server's records.
 */
export function splitCalls(wallCalls, serverLog, loadStartWall, sent) {
  const { requests, loop } = serverRecords(serverLog);
  const split = [];
  for (const [k, i, tool, t0, t1, sessionId] of wallCalls) {
    const rec = requests.get(`${sessionId}/${i + 1}`);
    if (rec?.method !== "tools/call") continue;
    const fetchAt = sent.get(`${sessionId}/${i + 1}`) ?? t0;
    split.push({
      k,
      i,
      tool,
      at: Math.round(t0 - loadStartWall),
      total: t1 - t0,
      newConnection: rec.acceptedAt !== undefined,
      acceptToReceive: rec.acceptedAt === undefined ? undefined : rec.receivedAt - rec.acceptedAt,
      toFetch: fetchAt - t0,
      toServer: rec.receivedAt - fetchAt,
      server: rec.answeredAt - rec.receivedAt,
      toBench: t1 - rec.answeredAt,
    });
  }
  const summary = {};
  for (const tool of ["bash", "view", "grep", "glob"]) {
    for (const first of [true, false]) {
      const set = split.filter((c) => c.tool === tool && (c.i === 0) === first);
      if (set.length === 0) continue;
      summary[`${tool} ${first ? "first" : "later"}`] = Object.fromEntries(
        ["total", "toFetch", "toServer", "server", "toBench"].map((key) => [
          key,
          r1(median(set.map((c) => c[key]))),
        ]),
      );
    }
  }
  const inWindow = laterInFirstWindow(split);
  const serverLoop = loop.map((w) => [Math.round(w.at - loadStartWall), w.meanMs, w.maxMs]);
  return { matched: split.length, summary, inWindow, calls: split, serverLoop };
}

/**
 * Per tool, the later calls (`{ tool, i, at, total }`, i > 0) that started while that tool's first
 * calls were starting: as slow as the first calls when it is the start-up burst that slows them,
 * not the session's own first-call work.
 */
export function laterInFirstWindow(calls) {
  const inWindow = {};
  for (const tool of ["bash", "view", "grep", "glob"]) {
    const starts = calls.filter((c) => c.tool === tool && c.i === 0).map((c) => c.at);
    if (starts.length === 0) continue;
    const [from, to] = [Math.min(...starts), Math.max(...starts)];
    const later = calls.filter((c) => c.tool === tool && c.i > 0 && c.at >= from && c.at <= to);
    inWindow[tool] = { from, to, laterCalls: later.length, laterP50: r1(median(later.map((c) => c.total))) };
  }
  return inWindow;
}

/** One line per tool: first and later medians of total = bench→server + server + server→bench. */
export function describeSplit({ summary, inWindow }) {
  const window = Object.entries(inWindow)
    .map(([tool, w]) => `${tool} ${w.laterP50} ms (${w.laterCalls} calls)`)
    .join(", ");
  return `${describeParts(summary)}; later calls started while first calls did, p50: ${window}`;
}

function describeParts(summary) {
  return Object.entries(summary)
    .map(
      ([key, s]) =>
        `${key}: ${s.total.toFixed(0)} = ${s.toFetch.toFixed(0)} + ${s.toServer.toFixed(0)} + ${s.server.toFixed(0)} + ${s.toBench.toFixed(0)} ms`,
    )
    .join("; ");
}
