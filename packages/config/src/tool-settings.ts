import type { BorisOptions } from "./parse.js";

/**
 * Fixed limits of the tools that are not options (SPEC §3). The TERM → KILL grace is not here: it is
 * a fact of process termination, defined once as DEFAULT_GRACE_MS in @boris-mcp/process-group (and
 * re-exported by @boris-mcp/session), which a Session applies to every kill of its processes.
 */
export const TOOL_DEFAULTS = {
  /** Upper bound of a bash call's `timeout` argument (ms); raised to --timeout when that is larger. */
  maxTimeoutMs: 600_000,
  /** How long the pipes are still read after the shell exits. */
  drainMs: 100,
  /** Characters kept per stream in a result. */
  outputLimit: 30_000,
  /** Minimum spacing of progress notifications (about 20 per second). */
  progressIntervalMs: 50,
  /** Deadline of one grep/glob child process. */
  searchTimeoutMs: 60_000,
} as const;

/**
 * Whether a client's roots decide where its session starts and what the file tools reach: only when
 * the operator set neither --workdir nor --allow-dir. Whatever the operator set is the contract, and
 * a client's roots are paths on the client's machine, which a remote server may not even have.
 */
export function followsClientRoots(options: Pick<BorisOptions, "workdirGiven" | "allowDirs">): boolean {
  return !options.workdirGiven && options.allowDirs.length === 0;
}

/**
 * The settings of the tools, plain values derived once from the options: the tools package turns
 * them into its ToolConfig (`createToolConfig`, which builds the path scope from `allowDirs` and
 * `denyPatterns`). `rgPath` comes from BORIS_RG_PATH when set.
 */
export function toolSettings(options: BorisOptions, env: Readonly<Record<string, string | undefined>> = {}) {
  const defaultTimeoutMs = Math.round(options.timeoutSeconds * 1000);
  return {
    shell: options.shell,
    defaultTimeoutMs,
    maxTimeoutMs: Math.max(TOOL_DEFAULTS.maxTimeoutMs, defaultTimeoutMs),
    drainMs: TOOL_DEFAULTS.drainMs,
    outputLimit: TOOL_DEFAULTS.outputLimit,
    progressIntervalMs: TOOL_DEFAULTS.progressIntervalMs,
    maxFileSize: options.maxFileSize,
    maxImageSize: options.maxImageSize,
    requireViewBeforeEdit: options.requireViewBeforeEdit,
    anthropicCompat: options.anthropicCompat,
    disabledTools: new Set<string>(options.disabledTools) as ReadonlySet<string>,
    searchTimeoutMs: TOOL_DEFAULTS.searchTimeoutMs,
    rgPath: env.BORIS_RG_PATH?.trim() ? env.BORIS_RG_PATH : undefined,
    allowDirs: options.allowDirs,
    denyPatterns: options.denyPatterns,
    followClientRoots: followsClientRoots(options),
  };
}

/** What every Session is created with (besides its workdir). */
export function sessionSettings(options: BorisOptions) {
  return {
    workdir: options.workdir,
    backgroundTaskTimeoutMs: Math.round(options.backgroundTaskTimeoutSeconds * 1000),
    outputLimit: TOOL_DEFAULTS.outputLimit,
    drainMs: TOOL_DEFAULTS.drainMs,
  };
}
