import { writeSync } from "node:fs";

/** One log method: `log(fields, message)` or `log(message)`. */
export interface LogMethod {
  (fields: object, message?: string): void;
  (message: string): void;
}

/** The stderr logger both binaries and the session lifecycle write to. */
export interface Logger {
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  readonly fatal: LogMethod;
}

export interface LoggerOptions {
  /** Logger name, shown on every line (the binary's name). */
  readonly name: string;
  readonly level: "debug" | "info" | "warn" | "error" | "silent";
  readonly format: "text" | "json";
  /** File descriptor to write to; 2 (stderr) unless a test says otherwise. */
  readonly fd?: number;
  /** Called once when the descriptor is gone (EPIPE …); logging stops afterwards. */
  readonly onBroken?: (error: NodeJS.ErrnoException) => void;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes whole lines synchronously: a log line is never lost in a buffer when the process exits
 * right after it, and there is no worker thread. A non-blocking pipe that is full (EAGAIN) is retried
 * briefly, then the line is dropped rather than stalling the server.
 */
export function createLineWriter(fd: number, onBroken?: (error: NodeJS.ErrnoException) => void) {
  let broken = false;
  return (line: string): void => {
    if (broken) return;
    let data = Buffer.from(line);
    for (let attempt = 0; data.length > 0; ) {
      try {
        const n = writeSync(fd, data);
        data = data.subarray(n);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code === "EAGAIN" && attempt++ < 50) {
          Atomics.wait(pause, 0, 0, 2);
          continue;
        }
        if (e.code === "EAGAIN") return;
        broken = true;
        onBroken?.(e);
        return;
      }
    }
  };
}

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
type LevelName = keyof typeof LEVELS;

const LEVEL_NAMES: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "FATAL",
};

function formatValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value instanceof Object && "message" in value && typeof value.message === "string") {
    return JSON.stringify(value.message);
  }
  return JSON.stringify(value);
}

/** One JSON record → `2025-01-02T03:04:05.678Z INFO  name: message key=value …`. */
export function formatTextLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith("\n") ? json : `${json}\n`;
  }
  return textLine(record);
}

function textLine(record: Record<string, unknown>): string {
  const { time, level, name, msg, ...rest } = record;
  const levelName =
    typeof level === "number" ? (LEVEL_NAMES[level] ?? String(level)) : String(level).toUpperCase();
  const when =
    typeof time === "number" ? new Date(time).toISOString() : String(time ?? new Date().toISOString());
  const fields = Object.entries(rest)
    .map(([k, v]) => ` ${k}=${formatValue(v)}`)
    .join("");
  return `${when} ${levelName.padEnd(5)} ${name ? `${String(name)}: ` : ""}${msg ?? ""}${fields}\n`;
}

/** An Error as a JSON-able record: type, message, stack, its own fields and its cause. */
function serializeError(err: Error, seen = new Set<Error>()): Record<string, unknown> {
  seen.add(err);
  const out: Record<string, unknown> = { type: err.constructor?.name ?? "Error", message: err.message };
  if (err.stack !== undefined) out.stack = err.stack;
  for (const [key, value] of Object.entries(err)) if (!(key in out)) out[key] = value;
  if (err.cause instanceof Error && !seen.has(err.cause)) out.cause = serializeError(err.cause, seen);
  return out;
}

function withErrorsSerialized(fields: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields))
    out[key] = value instanceof Error ? serializeError(value) : value;
  return out;
}

/** JSON.stringify that never throws: a cycle becomes "[Circular]", a bigint its decimal string. */
function toJson(record: object): string {
  try {
    return JSON.stringify(record);
  } catch {
    const seen = new WeakSet<object>();
    return JSON.stringify(record, (_key, value: unknown) => {
      if (typeof value === "bigint") return value.toString();
      if (typeof value !== "object" || value === null) return value;
      if (seen.has(value)) return "[Circular]";
      seen.add(value);
      return value;
    });
  }
}

/**
 * A structured logger writing one line per record, synchronously, to stderr (never stdout: stdout
 * carries the protocol in stdio mode): `text` lines for people, or JSON records (`level` label,
 * ISO `time`, `name`, the fields, `msg`) for log collectors. Errors in the fields are written with
 * their type, message and stack.
 */
export function createLogger(options: LoggerOptions): Logger {
  const write = createLineWriter(options.fd ?? 2, options.onBroken);
  const text = options.format === "text";
  const threshold = options.level === "silent" ? Number.POSITIVE_INFINITY : LEVELS[options.level];
  const method = (level: LevelName): LogMethod => {
    if (LEVELS[level] < threshold) return () => {};
    return (first: object | string, message?: string) => {
      const [fields, msg] = typeof first === "string" ? [{}, first] : [first, message];
      const record = {
        level: text ? LEVELS[level] : level,
        time: text ? Date.now() : new Date().toISOString(),
        name: options.name,
        ...withErrorsSerialized(fields),
        ...(msg !== undefined ? { msg } : {}),
      };
      write(text ? textLine(record) : `${toJson(record)}\n`);
    };
  };
  return {
    debug: method("debug"),
    info: method("info"),
    warn: method("warn"),
    error: method("error"),
    fatal: method("fatal"),
  };
}
