import { formatSize, parseSize } from "./size.js";

/** Largest delay a Node timer accepts, in whole seconds. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
const MAX_FILE_SIZE_LIMIT = 1024 ** 3;

/** A value that does not fit its option: `message` says what was expected. */
class InvalidValue extends Error {}

/** Turns the raw text of one option (or one list item) into its typed value, or throws InvalidValue. */
type Parser<T> = (text: string) => T;

function fail(message: string): never {
  throw new InvalidValue(message);
}

function seconds(allowZero: boolean): Parser<number> {
  return (text) => {
    const value = text.trim();
    const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(n) || (!allowZero && n === 0)) {
      fail(
        allowZero ? "expected a number of seconds, 0 to turn it off" : "expected a number of seconds above 0",
      );
    }
    if (n > MAX_TIMER_SECONDS) fail(`expected at most ${MAX_TIMER_SECONDS} seconds`);
    return n;
  };
}

function integer(min: number, max: number, what: string): Parser<number> {
  return (text) => {
    const value = text.trim();
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(n) || n < min || n > max) fail(`expected ${what} from ${min} to ${max}`);
    return n;
  };
}

function oneOf<const T extends readonly string[]>(values: T): Parser<T[number]> {
  return (text) => {
    const value = text.trim().toLowerCase();
    if (!values.includes(value)) fail(`expected one of ${values.join(", ")}`);
    return value as T[number];
  };
}

const BOOL_WORDS: Record<string, boolean> = {
  true: true,
  "1": true,
  yes: true,
  false: false,
  "0": false,
  no: false,
};

const bool: Parser<boolean> = (text) => {
  const value = BOOL_WORDS[text.trim().toLowerCase()];
  return value ?? fail("expected true or false (or 1 or 0)");
};

function nonEmpty(what: string): Parser<string> {
  return (text) => (text.trim() === "" ? fail(`expected ${what}, got an empty value`) : text);
}

const size: Parser<number> = (text) => {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes < 1) fail("expected a size such as 10MB, 512KB or a number of bytes");
  if (bytes > MAX_FILE_SIZE_LIMIT) fail(`expected at most ${formatSize(MAX_FILE_SIZE_LIMIT)}`);
  return bytes;
};

/** A memory limit: at least 1 MiB (less cannot run a shell), at most 1 PiB. */
const memorySize: Parser<number> = (text) => {
  const bytes = parseSize(text);
  if (bytes === undefined || bytes < 1024 ** 2 || bytes > 1024 ** 5) {
    fail("expected a memory size from 1MB, such as 512MB or 4GB");
  }
  return bytes;
};

function toolName(names: readonly string[]): Parser<string> {
  return (text) => {
    const name = text.trim();
    if (!names.includes(name)) fail(`unknown tool name; valid names are ${names.join(", ")}`);
    return name;
  };
}

/** The form of an instance id: it prefixes session ids, so it must be safe in a header and a URL. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const instanceId: Parser<string> = (text) => {
  const value = text.trim();
  if (!INSTANCE_ID_PATTERN.test(value)) fail("expected 1 to 32 letters, digits, '_' or '-', e.g. boris-1");
  return value;
};

const token: Parser<string> = (text) =>
  /^[\x21-\x7e]+$/.test(text) ? text : fail("expected a token of printable ASCII characters without spaces");

const origin: Parser<string> = (text) => {
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
    "expected an origin such as https://example.com or http://localhost:6274 (scheme, host and port only), or *",
  );
};

/** One option: its parser, and the raw default it takes when absent (none: the option stays undefined). */
interface Scalar<T, D extends string | undefined> {
  readonly parse: Parser<T>;
  readonly default: D;
}

interface List<T> {
  readonly item: Parser<T>;
}

const scalar = <T, D extends string | undefined = string>(parse: Parser<T>, raw: D): Scalar<T, D> => ({
  parse,
  default: raw,
});
const optional = <T>(parse: Parser<T>): Scalar<T, undefined> => ({ parse, default: undefined });
const list = <T>(item: Parser<T>): List<T> => ({ item });

/**
 * Every option of SPEC §6 as a parser over the raw text collected from argv and the environment
 * (a flag wins over its BORIS_* variable), in the order their problems are reported. Absent options
 * take their defaults (parsed like given text); the output is typed. `toolNames` are the names
 * --disable-tools accepts: the tools package defines them.
 */
function optionParsers(toolNames: readonly string[]) {
  return {
    workdir: scalar(nonEmpty("a directory"), "."),
    timeout: scalar(seconds(false), "120"),
    shell: scalar(nonEmpty("a shell path"), "/bin/bash"),
    allowDirs: list(nonEmpty("a directory")),
    denyPatterns: list(nonEmpty("a glob pattern")),
    disabledTools: list(toolName(toolNames)),
    maxFileSize: scalar(size, "10MB"),
    // Its base64 (4/3 of it, 1,024,000 characters) fits the 1 MiB that Claude Desktop accepts per
    // tool result, with room for the rest of the message; the Claude API takes up to 5 MiB of base64.
    maxImageSize: scalar(size, "750KB"),
    requireViewBeforeEdit: scalar(oneOf(["auto", "true", "false"] as const), "auto"),
    backgroundTaskTimeout: scalar(seconds(true), "0"),
    anthropicCompat: scalar(bool, "false"),
    logLevel: scalar(oneOf(["debug", "info", "warn", "error"] as const), "info"),
    logFormat: scalar(oneOf(["text", "json"] as const), "text"),
    cgroup: scalar(oneOf(["auto", "off"] as const), "auto"),
    sessionMemoryMax: optional(memorySize),
    // The kernel's own ceiling of pid numbers (PID_MAX_LIMIT).
    sessionPidsMax: optional(integer(1, 4_194_304, "a process count")),
    host: scalar(nonEmpty("a bind address"), "127.0.0.1"),
    port: scalar(integer(0, 65535, "a port"), "8080"),
    token: optional(token),
    generateToken: scalar(bool, "false"),
    allowUnauthenticated: scalar(bool, "false"),
    instanceId: optional(instanceId),
    sessionIdleTimeout: scalar(seconds(true), "600"),
    sessionOrphanTimeout: scalar(seconds(true), "60"),
    sseKeepalive: scalar(seconds(true), "15"),
    resumeWindow: scalar(seconds(true), "60"),
    jsonResponseWindow: scalar(seconds(true), "0.05"),
    allowOrigins: list(origin),
    maxSessions: scalar(integer(1, 1_000_000, "a session count"), "1000"),
  };
}

type OptionParsers = ReturnType<typeof optionParsers>;
type ParsedValue<P> =
  P extends List<infer T>
    ? T[]
    : P extends Scalar<infer T, infer D>
      ? D extends undefined
        ? T | undefined
        : T
      : never;

/** The raw text of the options given: one string per option, a string per item of a list option. */
export type RawOptions = {
  readonly [K in keyof OptionParsers]?: OptionParsers[K] extends List<unknown> ? readonly string[] : string;
};
/** The options parsed, defaults applied. */
export type ParsedOptions = { -readonly [K in keyof OptionParsers]: ParsedValue<OptionParsers[K]> };

/** Where the first bad value is (`index`: the item of a list option) and what was expected. */
export interface OptionIssue {
  readonly key: keyof RawOptions;
  readonly index: number | undefined;
  readonly message: string;
}

export type RawParseResult =
  | { readonly ok: true; readonly options: ParsedOptions }
  | { readonly ok: false; readonly issue: OptionIssue };

/** Parses `raw` option by option; the first value that does not fit is the issue reported. */
export function parseRawOptions(raw: RawOptions, toolNames: readonly string[]): RawParseResult {
  const parsers = optionParsers(toolNames);
  const options: Record<string, unknown> = {};
  for (const [key, parser] of Object.entries(parsers) as [
    keyof RawOptions,
    Scalar<unknown, string> | List<unknown>,
  ][]) {
    const given = raw[key];
    let index: number | undefined;
    try {
      if ("item" in parser) {
        const items = (given ?? []) as readonly string[];
        options[key] = items.map((item, i) => {
          index = i;
          return parser.item(item);
        });
      } else {
        const text = (given as string | undefined) ?? parser.default;
        options[key] = text === undefined ? undefined : parser.parse(text);
      }
    } catch (err) {
      if (!(err instanceof InvalidValue)) throw err;
      return { ok: false, issue: { key, index, message: err.message } };
    }
  }
  return { ok: true, options: options as ParsedOptions };
}
