import { z } from "zod";
import { formatSize, parseSize } from "./size.js";

/** Largest delay a Node timer accepts, in whole seconds. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
const MAX_FILE_SIZE_LIMIT = 1024 ** 3;

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER as never;
}

function seconds(allowZero: boolean) {
  return z.string().transform((text, ctx) => {
    const value = text.trim();
    const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(n) || (!allowZero && n === 0)) {
      return fail(
        ctx,
        allowZero ? "expected a number of seconds, 0 to turn it off" : "expected a number of seconds above 0",
      );
    }
    if (n > MAX_TIMER_SECONDS) return fail(ctx, `expected at most ${MAX_TIMER_SECONDS} seconds`);
    return n;
  });
}

function integer(min: number, max: number, what: string) {
  return z.string().transform((text, ctx) => {
    const value = text.trim();
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(n) || n < min || n > max) return fail(ctx, `expected ${what} from ${min} to ${max}`);
    return n;
  });
}

function oneOf<const T extends readonly string[]>(values: T) {
  return z.string().transform((text, ctx): T[number] => {
    const value = text.trim().toLowerCase();
    if (!values.includes(value)) return fail(ctx, `expected one of ${values.join(", ")}`);
    return value as T[number];
  });
}

const BOOL_WORDS: Record<string, boolean> = {
  true: true,
  "1": true,
  yes: true,
  false: false,
  "0": false,
  no: false,
};

const bool = z.string().transform((text, ctx) => {
  const value = BOOL_WORDS[text.trim().toLowerCase()];
  if (value === undefined) return fail(ctx, "expected true or false (or 1 or 0)");
  return value;
});

function nonEmpty(what: string) {
  return z.string().transform((text, ctx) => {
    if (text.trim() === "") return fail(ctx, `expected ${what}, got an empty value`);
    return text;
  });
}

const size = z.string().transform((text, ctx) => {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes < 1)
    return fail(ctx, "expected a size such as 10MB, 512KB or a number of bytes");
  if (bytes > MAX_FILE_SIZE_LIMIT) return fail(ctx, `expected at most ${formatSize(MAX_FILE_SIZE_LIMIT)}`);
  return bytes;
});

/** A memory limit: at least 1 MiB (less cannot run a shell), at most 1 PiB. */
const memorySize = z.string().transform((text, ctx) => {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes < 1024 ** 2 || bytes > 1024 ** 5) {
    return fail(ctx, "expected a memory size from 1MB, such as 512MB or 4GB");
  }
  return bytes;
});

function toolName(names: readonly string[]) {
  return z.string().transform((text, ctx) => {
    const name = text.trim();
    if (!names.includes(name)) return fail(ctx, `unknown tool name; valid names are ${names.join(", ")}`);
    return name;
  });
}

/** The form of an instance id: it prefixes session ids, so it must be safe in a header and a URL. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const instanceId = z.string().transform((text, ctx) => {
  const value = text.trim();
  if (!INSTANCE_ID_PATTERN.test(value)) {
    return fail(ctx, "expected 1 to 32 letters, digits, '_' or '-', e.g. boris-1");
  }
  return value;
});

const token = z.string().transform((text, ctx) => {
  if (!/^[\x21-\x7e]+$/.test(text))
    return fail(ctx, "expected a token of printable ASCII characters without spaces");
  return text;
});

const origin = z.string().transform((text, ctx) => {
  const value = text.trim();
  if (value === "*") return value;
  try {
    const url = new URL(value);
    if (
      (url.protocol === "http:" || url.protocol === "https:") &&
      url.origin === value.replace(/\/$/, "").toLowerCase()
    ) {
      return url.origin;
    }
  } catch {
    // reported below
  }
  return fail(
    ctx,
    "expected an origin such as https://example.com or http://localhost:6274 (scheme, host and port only), or *",
  );
});

/**
 * Every option of SPEC §6 as a schema over the raw text collected from argv and the environment
 * (a flag wins over its BORIS_* variable). Absent options take their defaults; the output is typed.
 * `toolNames` are the names --disable-tools accepts: the tools package defines them.
 */
export function createOptionsSchema(toolNames: readonly string[]) {
  return z.object({
    workdir: nonEmpty("a directory").prefault("."),
    timeout: seconds(false).prefault("120"),
    shell: nonEmpty("a shell path").prefault("/bin/bash"),
    allowDirs: z.array(nonEmpty("a directory")).prefault([]),
    denyPatterns: z.array(nonEmpty("a glob pattern")).prefault([]),
    disabledTools: z.array(toolName(toolNames)).prefault([]),
    maxFileSize: size.prefault("10MB"),
    // Its base64 (4/3 of it, 1,024,000 characters) fits the 1 MiB that Claude Desktop accepts per
    // tool result, with room for the rest of the message; the Claude API takes up to 5 MiB of base64.
    maxImageSize: size.prefault("750KB"),
    requireViewBeforeEdit: oneOf(["auto", "true", "false"] as const).prefault("auto"),
    backgroundTaskTimeout: seconds(true).prefault("0"),
    anthropicCompat: bool.prefault("false"),
    logLevel: oneOf(["debug", "info", "warn", "error"] as const).prefault("info"),
    logFormat: oneOf(["text", "json"] as const).prefault("text"),
    cgroup: oneOf(["auto", "off"] as const).prefault("auto"),
    sessionMemoryMax: memorySize.optional(),
    // The kernel's own ceiling of pid numbers (PID_MAX_LIMIT).
    sessionPidsMax: integer(1, 4_194_304, "a process count").optional(),
    host: nonEmpty("a bind address").prefault("127.0.0.1"),
    port: integer(0, 65535, "a port").prefault("8080"),
    token: token.optional(),
    generateToken: bool.prefault("false"),
    allowUnauthenticated: bool.prefault("false"),
    instanceId: instanceId.optional(),
    sessionIdleTimeout: seconds(true).prefault("600"),
    sessionOrphanTimeout: seconds(true).prefault("60"),
    sseKeepalive: seconds(true).prefault("15"),
    resumeWindow: seconds(true).prefault("60"),
    allowOrigins: z.array(origin).prefault([]),
    maxSessions: integer(1, 1_000_000, "a session count").prefault("1000"),
  });
}

type OptionsSchema = ReturnType<typeof createOptionsSchema>;
export type RawOptions = z.input<OptionsSchema>;
export type ParsedOptions = z.output<OptionsSchema>;
