// The argument fields of the file tools, shared by view / str_replace / create_file and the compat
// str_replace_editor, and the typed requests they parse into.
import { z } from "zod";

export const pathField = z
  .string()
  .min(1)
  .describe("File or directory path; relative paths resolve against the session's working directory.");

/** Lines to show: 1-based and inclusive; `end` -1 means to the end of the file. */
export interface ViewRange {
  readonly start: number;
  readonly end: number;
}

export const viewRangeField = z
  .array(z.number().int())
  .transform((range, ctx): ViewRange => {
    if (range.length !== 2) {
      ctx.addIssue({
        code: "custom",
        message: `must be two integers [start, end], got ${JSON.stringify(range)}. Example: [10, 40], or [10, -1] to read from line 10 to the end`,
      });
      return z.NEVER;
    }
    return { start: range[0] as number, end: range[1] as number };
  })
  .optional()
  .describe("[start, end] line numbers, 1-indexed and inclusive; end -1 reads to the end of the file.");

export interface ViewRequest {
  readonly path: string;
  readonly view_range?: ViewRange | undefined;
}

export interface StrReplaceRequest {
  readonly path: string;
  readonly old_str: string;
  readonly new_str: string;
  readonly replace_all: boolean;
}

export interface CreateFileRequest {
  readonly path: string;
  readonly content: string;
}
