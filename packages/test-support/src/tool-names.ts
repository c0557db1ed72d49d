// The tool sets of SPEC §3 and §3.8, in the order tools/list gives them.

/** What a server lists with every tool enabled. */
export const STANDARD_TOOLS: readonly string[] = [
  "bash",
  "task_output",
  "task_kill",
  "view",
  "str_replace",
  "create_file",
  "grep",
  "glob",
];

/** What a server lists with --anthropic-compat: str_replace_editor in place of view, str_replace and create_file. */
export const COMPAT_TOOLS: readonly string[] = [
  "bash",
  "task_output",
  "task_kill",
  "str_replace_editor",
  "grep",
  "glob",
];
