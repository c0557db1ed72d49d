import type { BorisOptions } from "./parse.js";
import { followsClientRoots } from "./tool-settings.js";

export type InstructionOptions = Pick<
  BorisOptions,
  | "workdir"
  | "workdirGiven"
  | "allowDirs"
  | "denyPatterns"
  | "anthropicCompat"
  | "disabledTools"
  | "requireViewBeforeEdit"
>;

/**
 * The `instructions` of the initialize result (SPEC §6): where the agent starts, what the file tools
 * may reach, and the conventions that save it round trips. Built once at start-up.
 */
export function buildInstructions(options: InstructionOptions): string {
  const disabled = new Set<string>(options.disabledTools);
  const lines = [
    followsClientRoots(options)
      ? `Working directory: ${options.workdir}, or the client's first root when the client offers roots (the file tools then reach only paths inside the roots)`
      : `Working directory: ${options.workdir}`,
  ];
  if (options.allowDirs.length > 0) lines.push(`Allowed directories: ${options.allowDirs.join(", ")}`);
  if (options.denyPatterns.length > 0) lines.push(`Denied patterns: ${options.denyPatterns.join(", ")}`);

  const conventions: string[] = [];
  if (!disabled.has("bash")) conventions.push("the working directory persists across bash calls (cd sticks)");
  const editing = !disabled.has("str_replace") || !disabled.has("create_file");
  if (options.requireViewBeforeEdit && editing) {
    const view = options.anthropicCompat ? "str_replace_editor view" : "view";
    conventions.push(`${view} a file before editing or overwriting it`);
  }
  conventions.push("relative paths resolve against the working directory");
  conventions.push(
    "error results start with a [CODE] such as [PATH_NOT_FOUND] followed by how to fix the call",
  );
  lines.push(`Conventions: ${conventions.join("; ")}.`);
  return lines.join("\n");
}
