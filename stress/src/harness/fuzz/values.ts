// Generators of odd argument values: every JSON type, odd Unicode, huge strings, stray keys.
import fc from "fast-check";

const oddChar = fc.constantFrom(
  "\u0000",
  "\u202e",
  "\ud800",
  "\udfff",
  "\ufeff",
  "\u00e9",
  "e\u0301",
  "😀",
  "\n",
  "\r",
  "\t",
  " ",
  "/",
  "\\",
  ".",
  "..",
  "*",
  "?",
  "[",
  "]",
  "{",
  "}",
  "(",
  ")",
  "|",
  "^",
  "$",
  "~",
  "%",
  "'",
  '"',
  "`",
  ":",
  "#",
  "-",
  "a",
  "b",
  "needle",
);
export const oddString = fc.oneof(
  fc.string({ unit: oddChar, maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);
export const hugeString = fc
  .tuple(
    fc.integer({ min: 1000, max: 150_000 }),
    fc.constantFrom("x", "😀", "\u0000", "../", "needle\n", "é"),
  )
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));
export const anyJson = fc.jsonValue({ maxDepth: 3 });

export const intLike = fc.oneof(
  fc.integer(),
  fc.integer({ min: -3, max: 50 }),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, Number.MAX_VALUE, -0),
  anyJson,
);
export const boolLike = fc.oneof(fc.boolean(), anyJson);
export const textLike = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("needle", "needle one", "one", "\n", "line", "needle\r\n") },
  { weight: 3, arbitrary: oddString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: anyJson },
  { weight: 1, arbitrary: fc.constant("") },
);
export const patternLike = fc.oneof(
  fc.constantFrom(
    "needle",
    "(?i)NEEDLE",
    "ne+dle$",
    "(a+)+$",
    "[",
    "(",
    "\\",
    "*",
    "**/*",
    "*.{ts,md}",
    "[!a]*",
    "{",
    "\\p{L}+",
    "(?s)one.*two",
  ),
  oddString,
  hugeString,
  anyJson,
);
export const viewRange = fc.oneof(
  fc.tuple(fc.integer({ min: -3, max: 10 }), fc.integer({ min: -3, max: 10 })),
  fc.tuple(intLike, intLike),
  fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }),
  anyJson,
);

/** An argument object: each field present with a generated value or left out, plus stray keys. */
export function argsOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const optional = Object.fromEntries(
    Object.entries(fields).map(([k, a]) => [k, fc.option(a, { freq: 4, nil: undefined })]),
  );
  return fc
    .tuple(
      fc.record(optional),
      fc.option(fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }), {
        freq: 5,
        nil: undefined,
      }),
    )
    .map(([known, stray]) => {
      const out: Record<string, unknown> = { ...(stray ?? {}) };
      for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
      return out;
    });
}
