import { OPTION_SPECS, type Program, TOOL_NAMES_PLACEHOLDER } from "./specs.js";

const SUMMARY: Record<Program, string> = {
  boris:
    "Boris MCP server over stdio: gives an AI agent bash, view, str_replace, create_file, grep and glob.",
  "boris-http":
    "Boris MCP server over streamable HTTP (POST/GET/DELETE /mcp, GET /health): one session per MCP connection.",
};

/** The --help text of a binary, generated from the option table; `toolNames` as in `ParseInput`. */
export function helpText(program: Program, toolNames: readonly string[]): string {
  const specs = OPTION_SPECS.filter((s) => program === "boris-http" || !s.httpOnly);
  const left = specs.map(
    (s) => [s.flag, ...(s.aliases ?? [])].join(", ") + (s.valueName ? ` ${s.valueName}` : ""),
  );
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = specs.map((s, i) => {
    const pad = left[i]!.padEnd(width);
    const help = s.help.replace(TOOL_NAMES_PLACEHOLDER, toolNames.join(", "));
    return `  ${pad}${help}\n  ${" ".repeat(width)}env ${s.env}, default ${s.defaultText}`;
  });
  return [
    `Usage: ${program} [options]`,
    "",
    SUMMARY[program],
    "",
    "Options (each can also be set by its BORIS_* environment variable; a flag wins):",
    ...lines,
    `  ${"-h, --help".padEnd(width)}show this help`,
    `  ${"-v, --version".padEnd(width)}print the version`,
    "",
    "Flags take '--flag value' or '--flag=value'. Invalid options exit with status 2.",
    "",
  ].join("\n");
}
