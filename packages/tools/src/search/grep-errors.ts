import { ErrorCode, quoted, ToolError } from "../core/errors.js";
import type { GrepRequest } from "./grep-request.js";

/** Turns a failed rg run (exit 2, nothing found) into the error the caller can act on. */
export function rgFailure(req: GrepRequest, stderr: string): ToolError | undefined {
  const text = stderr.replace(/^rg: /gm, "").trim();
  if (text.length === 0) return undefined;
  if (/literal "\\n" is not allowed/.test(text)) {
    return new ToolError(
      ErrorCode.GREP_INVALID_PATTERN,
      `grep: pattern ${quoted(req.pattern)} contains a line break, which only matches with multiline: true. ` +
        "Set multiline: true, or search for one line at a time.",
    );
  }
  if (/regex parse error|error parsing regex|exceeds size limit|regex/i.test(text)) {
    const reason = /^error: (.*)$/m.exec(text)?.[1] ?? text.split("\n")[0];
    return new ToolError(
      ErrorCode.GREP_INVALID_PATTERN,
      `grep: pattern ${quoted(req.pattern)} is not a valid regular expression: ${reason}. ` +
        "Patterns use ripgrep's (Rust regex) syntax; escape literal special characters with a backslash, " +
        "e.g. \\( \\[ \\{ \\. \\* \\+ \\?.",
    );
  }
  if (/glob|definition|error parsing pattern/i.test(text)) {
    const field = req.include !== undefined ? "include" : "type";
    const value = req.include ?? req.typeName ?? "";
    return new ToolError(
      ErrorCode.INVALID_INPUT,
      `grep: ripgrep rejected the file filter (${field} ${quoted(value)}): ${text.split("\n")[0]}. ` +
        "Simplify it, e.g. *.ts, *.{ts,tsx}, src/**/*.py.",
    );
  }
  return new ToolError(ErrorCode.IO_ERROR, `grep: ripgrep failed: ${text.split("\n")[0]}.`);
}
