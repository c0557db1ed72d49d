// Generators of tool calls: file tools aimed mostly at one path, shell tools with harmless commands.
import fc from "fast-check";
import { pathArb } from "./paths.js";
import { anyJson, argsOf, boolLike, intLike, oddString, patternLike, textLike, viewRange } from "./values.js";
import type { FuzzWorld } from "./world.js";

export interface Call {
  readonly name: string;
  /** Not an object only in the test of the protocol's own argument check. */
  readonly args: unknown;
}

const fileCall = (path: fc.Arbitrary<unknown>): fc.Arbitrary<Call> =>
  fc.oneof(
    { weight: 3, arbitrary: argsOf({ path, view_range: viewRange }).map((args) => ({ name: "view", args })) },
    {
      weight: 3,
      arbitrary: argsOf({ path, old_str: textLike, new_str: textLike, replace_all: boolLike }).map(
        (args) => ({
          name: "str_replace",
          args,
        }),
      ),
    },
    {
      weight: 3,
      arbitrary: argsOf({ path, content: textLike }).map((args) => ({ name: "create_file", args })),
    },
    {
      weight: 2,
      arbitrary: argsOf({
        pattern: patternLike,
        path,
        include: patternLike,
        glob: patternLike,
        type: fc.oneof(fc.constantFrom("ts", "py", "md", "python", "nope", ""), oddString, anyJson),
        output_mode: fc.oneof(
          fc.constantFrom("content", "count", "files_with_matches", "lines"),
          oddString,
          anyJson,
        ),
        case_insensitive: boolLike,
        "-i": boolLike,
        "-n": boolLike,
        line_numbers: boolLike,
        context_before: intLike,
        context_after: intLike,
        context: intLike,
        "-A": intLike,
        "-B": intLike,
        "-C": intLike,
        multiline: boolLike,
        head_limit: intLike,
        offset: intLike,
      }).map((args) => ({ name: "grep", args })),
    },
    {
      weight: 2,
      arbitrary: argsOf({
        pattern: patternLike,
        path,
        type: fc.oneof(fc.constantFrom("file", "directory", "dir", "f"), oddString, anyJson),
      }).map((args) => ({ name: "glob", args })),
    },
    // The compat server's single editor tool.
    {
      weight: 2,
      arbitrary: argsOf({
        command: fc.oneof(
          fc.constantFrom("view", "str_replace", "create", "insert", "undo_edit"),
          oddString,
          anyJson,
        ),
        path,
        view_range: viewRange,
        old_str: textLike,
        new_str: textLike,
        replace_all: boolLike,
        file_text: textLike,
      }).map((args) => ({ name: "str_replace_editor", args })),
    },
    // Unknown tools.
    {
      weight: 1,
      arbitrary: fc
        .tuple(oddString, fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }))
        .map(([name, args]) => ({ name, args })),
    },
  );

/** A run: a few calls in one session, most of them aimed at one path so that view → edit sequences happen. */
export function fileRun(world: FuzzWorld): fc.Arbitrary<Call[]> {
  const path = pathArb(world);
  return path.chain((focus) =>
    fc.array(
      fileCall(fc.oneof({ weight: 3, arbitrary: fc.constant(focus) }, { weight: 1, arbitrary: path })),
      {
        minLength: 1,
        maxLength: 5,
      },
    ),
  );
}

/**
 * `bash`, `task_output` and `task_kill` calls with harmless commands only; task ids are taken from
 * `taskIds` (which the test fills with the ids it was given) when generated.
 */
export function shellCall(taskIds: readonly string[]): fc.Arbitrary<Call> {
  const harmless = fc.oneof(
    fc.constantFrom(
      "true",
      "echo x",
      "printf 'odd ☃ \\001 %s' ok",
      "",
      "   ",
      "\n",
      "echo $BORIS_SESSION > /dev/null",
      "exit 3",
      "false",
    ),
    fc
      .array(fc.constantFrom("echo a", "true", ":"), { minLength: 1, maxLength: 3000 })
      .map((parts) => parts.join("; ")),
    // One huge argument: past the kernel's 128 KB per-argument limit the shell cannot even start.
    fc.integer({ min: 1, max: 200_000 }).map((n) => `echo ${"x".repeat(n)} > /dev/null`),
    anyJson,
  );
  const taskId = fc.oneof(
    fc.constant<unknown>(null).map(() => taskIds[taskIds.length - 1] ?? "none"),
    fc.nat(20).map((i) => taskIds[i % Math.max(1, taskIds.length)] ?? "none"),
    oddString,
    anyJson,
  );
  return fc.oneof(
    {
      weight: 4,
      arbitrary: argsOf({
        command: harmless,
        timeout: fc.oneof(
          fc.integer({ min: -10, max: 700_000 }),
          fc.constantFrom(1, 5, 0.5, 1e308, -1),
          intLike,
        ),
        run_in_background: boolLike,
        description: fc.oneof(oddString, anyJson),
      }).map((args) => ({ name: "bash", args })),
    },
    {
      weight: 2,
      arbitrary: argsOf({
        task_id: taskId,
        block: boolLike,
        timeout: fc.oneof(fc.integer({ min: -5, max: 2000 }), intLike),
      }).map((args) => ({ name: "task_output", args })),
    },
    { weight: 1, arbitrary: argsOf({ task_id: taskId }).map((args) => ({ name: "task_kill", args })) },
  );
}
