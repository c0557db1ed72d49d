import { resolve } from "node:path";
import { type OptionIssue, parseRawOptions, type RawOptions } from "./schema.js";
import { OPTION_SPECS, type OptionKey, type OptionSpec, type Program } from "./specs.js";

/** Options after validation: typed, defaults applied, paths absolute, `auto` resolved. */
export interface BorisOptions {
  readonly workdir: string;
  /** --workdir or BORIS_WORKDIR was given; false when `workdir` is the default `.`. */
  readonly workdirGiven: boolean;
  readonly timeoutSeconds: number;
  readonly shell: string;
  readonly allowDirs: readonly string[];
  readonly denyPatterns: readonly string[];
  /** Names from `ParseInput.toolNames`. */
  readonly disabledTools: readonly string[];
  readonly maxFileSize: number;
  /** Largest image `view` returns as image content, bytes of the file. */
  readonly maxImageSize: number;
  readonly requireViewBeforeEdit: boolean;
  readonly backgroundTaskTimeoutSeconds: number;
  readonly anthropicCompat: boolean;
  readonly logLevel: "debug" | "info" | "warn" | "error";
  readonly logFormat: "text" | "json";
  /** Session containment: `auto` = a cgroup per session where cgroup v2 is writable. */
  readonly cgroup: "auto" | "off";
  /** memory.max of each session's cgroup, bytes; undefined = no limit. */
  readonly sessionMemoryMax: number | undefined;
  /** pids.max of each session's cgroup; undefined = no limit. */
  readonly sessionPidsMax: number | undefined;
  // HTTP only (defaults when parsed for `boris`)
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  readonly generateToken: boolean;
  /** Serve a non-loopback host without a token (the operator said so). */
  readonly allowUnauthenticated: boolean;
  /** --instance-id; undefined = the server picks a random one at start. */
  readonly instanceId: string | undefined;
  readonly sessionIdleTimeoutSeconds: number;
  readonly sessionOrphanTimeoutSeconds: number;
  /** Interval of SSE keep-alive comments; 0 = none. */
  readonly sseKeepaliveSeconds: number;
  /** How long a call whose resumable stream dropped waits for its client; 0 = streams are not resumable. */
  readonly resumeWindowSeconds: number;
  /** How long a request's answer may take and still go out as one JSON response; 0 = always SSE. */
  readonly jsonResponseWindowSeconds: number;
  readonly allowOrigins: readonly string[];
  readonly maxSessions: number;
}

export type ParseResult =
  | { readonly kind: "run"; readonly options: BorisOptions }
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "error"; readonly message: string };

export interface ParseInput {
  readonly program: Program;
  /** Arguments after the script (process.argv.slice(2)). */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against (process.cwd()). */
  readonly cwd: string;
  /** Names --disable-tools accepts: the tools package's TOOL_NAMES. */
  readonly toolNames: readonly string[];
}

interface Given {
  /** Where the value came from, as the user wrote it: `--timeout` or `BORIS_TIMEOUT`. */
  readonly label: string;
  readonly values: string[];
}

const byFlag = new Map<string, OptionSpec>();
for (const spec of OPTION_SPECS) {
  byFlag.set(spec.flag, spec);
  for (const alias of spec.aliases ?? []) byFlag.set(alias, spec);
}

/** Splits a comma list, leaving commas inside `{a,b}` glob alternatives alone. */
export function splitList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "{") depth++;
    else if (ch === "}" && depth > 0) depth--;
    if (ch === "," && depth === 0) {
      items.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  items.push(current);
  return items.map((s) => s.trim()).filter((s) => s !== "");
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function suggestion(name: string, program: Program): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const [flag, spec] of byFlag) {
    if (spec.httpOnly && program === "boris") continue;
    const d = editDistance(name, flag);
    if (d < bestDistance) {
      best = flag;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean ${best}?)` : "";
}

function error(program: Program, problem: string): ParseResult {
  return { kind: "error", message: `${program}: ${problem}. Run '${program} --help' to see the options.` };
}

/**
 * Turns argv and the environment into validated options, or says what is wrong in one line.
 * Pure: no I/O, no process access; the caller prints and exits.
 */
export function parseOptions(input: ParseInput): ParseResult {
  const { program, argv } = input;
  if (argv.some((a) => a === "--help" || a === "-h")) return { kind: "help" };
  if (argv.some((a) => a === "--version" || a === "-v" || a === "-V")) return { kind: "version" };

  const given = new Map<OptionKey, Given>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--") || arg === "--") {
      return error(program, `unexpected argument '${arg}' (${program} takes options only)`);
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const spec = byFlag.get(name);
    if (!spec) return error(program, `unknown option ${name}${suggestion(name, program)}`);
    if (spec.httpOnly && program === "boris") {
      return error(
        program,
        `${name} is an option of boris-http (the HTTP server); boris serves MCP over stdio and has no ${name}`,
      );
    }
    let values: string[];
    if (spec.kind === "bool") {
      values = [inline ?? "true"];
    } else if (inline !== undefined) {
      values = [inline];
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        if (spec.bare === undefined) return error(program, `${name} needs a value ${spec.valueName}`);
        values = [spec.bare];
      } else {
        values = [next];
        i++;
      }
    }
    if (spec.splitFlag) values = values.flatMap(splitList);
    const previous = given.get(spec.key);
    given.set(spec.key, {
      label: name,
      values: spec.kind === "list" && previous ? [...previous.values, ...values] : values,
    });
  }

  for (const spec of OPTION_SPECS) {
    if (given.has(spec.key) || (spec.httpOnly && program === "boris")) continue;
    const value = input.env[spec.env];
    if (value === undefined || value.trim() === "") continue;
    given.set(spec.key, { label: spec.env, values: spec.kind === "list" ? splitList(value) : [value] });
  }

  const raw: Record<string, string | string[]> = {};
  const specOf = new Map(OPTION_SPECS.map((s) => [s.key, s]));
  for (const [key, { values }] of given) {
    raw[key] = specOf.get(key)!.kind === "list" ? values : values[values.length - 1]!;
  }

  const parsed = parseRawOptions(raw as RawOptions, input.toolNames);
  if (!parsed.ok) return error(program, describeIssue(parsed.issue, given));
  const o = parsed.options;

  if (o.generateToken && o.token !== undefined) {
    const tokenLabel = given.get("token")!.label;
    const generateLabel = given.get("generateToken")!.label;
    return error(program, `${tokenLabel} and ${generateLabel} cannot be used together; pass one of them`);
  }
  const limit = given.get("sessionMemoryMax") ?? given.get("sessionPidsMax");
  if (o.cgroup === "off" && limit) {
    const off = given.get("cgroup")!.label;
    return error(
      program,
      `${limit.label} needs the session cgroups, which ${off.startsWith("--") ? `${off} off` : `${off}=off`} turns off; drop one of them`,
    );
  }
  if (o.allowUnauthenticated && (o.token !== undefined || o.generateToken)) {
    const optOut = given.get("allowUnauthenticated")!.label;
    const auth = (given.get("token") ?? given.get("generateToken"))!.label;
    return error(program, `${optOut} and ${auth} cannot be used together; pass one of them`);
  }

  return {
    kind: "run",
    options: {
      workdir: resolve(input.cwd, o.workdir),
      workdirGiven: given.has("workdir"),
      timeoutSeconds: o.timeout,
      shell: o.shell,
      allowDirs: o.allowDirs.map((d) => resolve(input.cwd, d)),
      denyPatterns: o.denyPatterns,
      disabledTools: [...new Set(o.disabledTools)],
      maxFileSize: o.maxFileSize,
      maxImageSize: o.maxImageSize,
      requireViewBeforeEdit: o.requireViewBeforeEdit !== "false",
      backgroundTaskTimeoutSeconds: o.backgroundTaskTimeout,
      anthropicCompat: o.anthropicCompat,
      logLevel: o.logLevel,
      logFormat: o.logFormat,
      cgroup: o.cgroup,
      sessionMemoryMax: o.sessionMemoryMax,
      sessionPidsMax: o.sessionPidsMax,
      host: o.host,
      port: o.port,
      token: o.token,
      generateToken: o.generateToken,
      allowUnauthenticated: o.allowUnauthenticated,
      instanceId: o.instanceId,
      sessionIdleTimeoutSeconds: o.sessionIdleTimeout,
      sessionOrphanTimeoutSeconds: o.sessionOrphanTimeout,
      sseKeepaliveSeconds: o.sseKeepalive,
      resumeWindowSeconds: o.resumeWindow,
      jsonResponseWindowSeconds: o.jsonResponseWindow,
      allowOrigins: [...new Set(o.allowOrigins)],
      maxSessions: o.maxSessions,
    },
  };
}

function describeIssue(issue: OptionIssue, given: ReadonlyMap<OptionKey, Given>): string {
  const { key, index } = issue;
  const source = given.get(key);
  const value = source
    ? index !== undefined
      ? source.values[index]
      : source.values[source.values.length - 1]
    : "";
  const label = source?.label ?? String(key);
  const shown = label.startsWith("--")
    ? `${label} ${JSON.stringify(value)}`
    : `${label}=${JSON.stringify(value)}`;
  return `${shown}: ${issue.message}`;
}
