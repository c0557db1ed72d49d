import { writeSync } from "node:fs";
import { type Logger, pino } from "pino";

export type { Logger } from "pino";

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

/** One pino JSON record → `2025-01-02T03:04:05.678Z INFO  name: message key=value …`. */
export function formatTextLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith("\n") ? json : `${json}\n`;
  }
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

/** A pino logger writing to stderr (never stdout: stdout carries the protocol in stdio mode). */
export function createLogger(options: LoggerOptions): Logger {
  const write = createLineWriter(options.fd ?? 2, options.onBroken);
  const text = options.format === "text";
  return pino(
    {
      name: options.name,
      level: options.level,
      base: undefined,
      timestamp: text ? pino.stdTimeFunctions.epochTime : pino.stdTimeFunctions.isoTime,
      ...(text ? {} : { formatters: { level: (label: string) => ({ level: label }) } }),
    },
    { write: text ? (chunk: string) => write(formatTextLine(chunk)) : write },
  );
}
