import { HTTP_OPTION_SPECS } from "./http-specs.js";

/** The two binaries; the HTTP-only options exist only for `boris-http`. */
export type Program = "boris" | "boris-http";

/** Stands for the tool names in a help text; the names come from the tools package (`ParseInput.toolNames`). */
export const TOOL_NAMES_PLACEHOLDER = "{tools}";

export type OptionKey =
  | "workdir"
  | "timeout"
  | "shell"
  | "allowDirs"
  | "denyPatterns"
  | "disabledTools"
  | "maxFileSize"
  | "maxImageSize"
  | "requireViewBeforeEdit"
  | "backgroundTaskTimeout"
  | "anthropicCompat"
  | "logLevel"
  | "logFormat"
  | "cgroup"
  | "sessionMemoryMax"
  | "sessionPidsMax"
  | "host"
  | "port"
  | "token"
  | "generateToken"
  | "allowUnauthenticated"
  | "instanceId"
  | "sessionIdleTimeout"
  | "sessionOrphanTimeout"
  | "sseKeepalive"
  | "resumeWindow"
  | "jsonResponseWindow"
  | "allowOrigins"
  | "maxSessions";

/**
 * How an option is written. `value` takes one argument (last one wins), `list` is repeatable and
 * comes as a comma list from the environment, `bool` is a switch (`--x`, `--x=false`).
 */
export type OptionKind = "value" | "list" | "bool";

export interface OptionSpec {
  readonly key: OptionKey;
  readonly flag: `--${string}`;
  readonly aliases?: readonly `--${string}`[];
  readonly env: `BORIS_${string}`;
  readonly kind: OptionKind;
  /** Flag values are comma lists too (`--disable-tools bash,grep`). Not for paths or globs. */
  readonly splitFlag?: boolean;
  /** Given without a value, the flag means this (`--require-view-before-edit` → true). */
  readonly bare?: string;
  readonly httpOnly?: boolean;
  readonly valueName: string;
  /** Default as shown in --help. */
  readonly defaultText: string;
  readonly help: string;
}

/** Every option of both binaries, in --help order. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  {
    key: "workdir",
    flag: "--workdir",
    env: "BORIS_WORKDIR",
    kind: "value",
    valueName: "<dir>",
    defaultText: ". (or the client's first root)",
    help: "initial working directory of every session",
  },
  {
    key: "timeout",
    flag: "--timeout",
    env: "BORIS_TIMEOUT",
    kind: "value",
    valueName: "<seconds>",
    defaultText: "120",
    help: "default bash timeout",
  },
  {
    key: "shell",
    flag: "--shell",
    env: "BORIS_SHELL",
    kind: "value",
    valueName: "<path>",
    defaultText: "/bin/bash",
    help: "shell that runs commands (<shell> -c <command>)",
  },
  {
    key: "allowDirs",
    flag: "--allow-dir",
    env: "BORIS_ALLOW_DIRS",
    kind: "list",
    valueName: "<dir>",
    defaultText: "none: everything (or the client's roots)",
    help: "file tools reach only these roots (repeatable; env: comma list)",
  },
  {
    key: "denyPatterns",
    flag: "--deny-dir",
    env: "BORIS_DENY_DIRS",
    kind: "list",
    valueName: "<glob>",
    defaultText: "none",
    help: "file tools refuse paths matching these globs, e.g. '**/.env' (repeatable; env: comma list)",
  },
  {
    key: "disabledTools",
    flag: "--disable-tools",
    env: "BORIS_DISABLE_TOOLS",
    kind: "list",
    splitFlag: true,
    valueName: "<names>",
    defaultText: "none",
    help: `tools to leave out: ${TOOL_NAMES_PLACEHOLDER} (comma list, repeatable)`,
  },
  {
    key: "maxFileSize",
    flag: "--max-file-size",
    env: "BORIS_MAX_FILE_SIZE",
    kind: "value",
    valueName: "<size>",
    defaultText: "10MB",
    help: "size limit of view, create_file and grep (bytes or 512KB, 10MB, 1GB)",
  },
  {
    key: "maxImageSize",
    flag: "--max-image-size",
    env: "BORIS_MAX_IMAGE_SIZE",
    kind: "value",
    valueName: "<size>",
    defaultText: "750KB",
    help: "largest image view returns as an image; clients drop bigger ones (Claude Desktop: 1 MB results)",
  },
  {
    key: "requireViewBeforeEdit",
    flag: "--require-view-before-edit",
    env: "BORIS_REQUIRE_VIEW_BEFORE_EDIT",
    kind: "value",
    bare: "true",
    valueName: "<auto|true|false>",
    defaultText: "auto (= true)",
    help: "edits and overwrites need a prior view of the file in the session",
  },
  {
    key: "backgroundTaskTimeout",
    flag: "--background-task-timeout",
    aliases: ["--bg-timeout"],
    env: "BORIS_BACKGROUND_TASK_TIMEOUT",
    kind: "value",
    valueName: "<seconds>",
    defaultText: "0 = off",
    help: "kill background tasks running longer than this",
  },
  {
    key: "anthropicCompat",
    flag: "--anthropic-compat",
    env: "BORIS_ANTHROPIC_COMPAT",
    kind: "bool",
    valueName: "",
    defaultText: "false",
    help: "expose the tool schemas Claude models are tuned on (str_replace_editor …)",
  },
  {
    key: "logLevel",
    flag: "--log-level",
    env: "BORIS_LOG_LEVEL",
    kind: "value",
    valueName: "<debug|info|warn|error>",
    defaultText: "info",
    help: "log verbosity (logs go to stderr only)",
  },
  {
    key: "logFormat",
    flag: "--log-format",
    env: "BORIS_LOG_FORMAT",
    kind: "value",
    valueName: "<text|json>",
    defaultText: "text",
    help: "log line format",
  },
  {
    key: "cgroup",
    flag: "--cgroup",
    env: "BORIS_CGROUP",
    kind: "value",
    valueName: "<auto|off>",
    defaultText: "auto",
    help: "a cgroup per session where cgroup v2 is writable, else the marker sweep (off: the marker sweep only)",
  },
  {
    key: "sessionMemoryMax",
    flag: "--session-memory-max",
    env: "BORIS_SESSION_MEMORY_MAX",
    kind: "value",
    valueName: "<size>",
    defaultText: "none",
    help: "memory limit of each session's cgroup (512MB, 4GB); needs the cgroup v2 memory controller",
  },
  {
    key: "sessionPidsMax",
    flag: "--session-pids-max",
    env: "BORIS_SESSION_PIDS_MAX",
    kind: "value",
    valueName: "<n>",
    defaultText: "none",
    help: "processes a session may have at once; needs the cgroup v2 pids controller",
  },
  ...HTTP_OPTION_SPECS,
];
