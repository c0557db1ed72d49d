import { createPathScope, type PathScope } from "../scope/path-scope.js";

/** Process-wide, immutable tool settings, built once at start-up and shared by every session. */
export interface ToolConfig {
  /** Shell used by bash, run as `<shell> -c <command>`. */
  readonly shell: string;
  /** Default bash timeout in ms (from --timeout seconds). */
  readonly defaultTimeoutMs: number;
  /** Upper bound for a bash call's `timeout` argument, ms. */
  readonly maxTimeoutMs: number;
  /** How long after the shell exits its pipes are still read, ms. */
  readonly drainMs: number;
  /** Characters kept per stream in a result (head + tail). */
  readonly outputLimit: number;
  /** Minimum spacing of progress notifications, ms (~20 per second). */
  readonly progressIntervalMs: number;
  /** view / create_file / grep size limit, bytes. */
  readonly maxFileSize: number;
  /** Largest image view returns as image content, bytes of the file (its base64 is 4/3 of that). */
  readonly maxImageSize: number;
  /** Resolved from auto/true/false before the tools see it. */
  readonly requireViewBeforeEdit: boolean;
  /** Claude-tuned schemas (SPEC §3.8). */
  readonly anthropicCompat: boolean;
  /** Tool names left out (bash also removes task_output and task_kill). */
  readonly disabledTools: ReadonlySet<string>;
  /** The operator's path scoping for the file and search tools (--allow-dir, --deny-dir). */
  readonly pathScope: PathScope;
  /**
   * A client's roots set where its session starts and narrow what the file tools reach (the
   * operator set neither --workdir nor --allow-dir). See SessionScope.
   */
  readonly followClientRoots: boolean;
  /** Deadline of one grep/glob child process, ms. */
  readonly searchTimeoutMs: number;
  /** ripgrep binary (BORIS_RG_PATH, else @vscode/ripgrep's). */
  readonly rgPath: string | undefined;
}

/** ToolConfig's plain values plus what its path scope is built from (config's `toolSettings`). */
export type ToolSettings = Omit<ToolConfig, "pathScope"> & {
  readonly allowDirs: readonly string[];
  readonly denyPatterns: readonly string[];
};

/** The process-wide tool configuration, built once at start-up and shared by every session. */
export function createToolConfig(settings: ToolSettings): ToolConfig {
  const { allowDirs, denyPatterns, ...values } = settings;
  return { ...values, pathScope: createPathScope({ allowDirs, denyPatterns }) };
}
