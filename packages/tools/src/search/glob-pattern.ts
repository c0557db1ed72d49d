import picomatch from "picomatch";

/**
 * The glob dialect of glob's `pattern` and grep's `include` (SPEC §3.6, §3.7): `*`, `**`, `?`,
 * `{a,b}`, `[abc]`, `[a-z]`, `[!a]`. Dotfiles match (hidden files are searched); extglobs and a
 * leading `!` have no special meaning, as in ripgrep's globs.
 */
// posix: `[!a]` negates a class (without it picomatch reads `!` as a member).
const PICO_OPTIONS: picomatch.PicomatchOptions = { dot: true, noextglob: true, nonegate: true, posix: true };

/** Longer globs are refused: no real path pattern is this long, and the regex would be huge. */
export const MAX_GLOB_LENGTH = 4096;

/** Deeper `{…}` nesting is refused: ripgrep cannot parse a few hundred levels, and none is needed. */
export const MAX_BRACE_DEPTH = 32;

/** Why `pattern` is not a valid glob, or undefined when it is. */
export function globSyntaxError(pattern: string): string | undefined {
  if (pattern.length > MAX_GLOB_LENGTH) {
    return `it is ${pattern.length} characters long; at most ${MAX_GLOB_LENGTH} are accepted`;
  }
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      if (i === pattern.length - 1) return "it ends with a lone backslash (escape)";
      i++;
    } else if (c === "[") {
      // A class runs to the next `]`; a `]` right after `[`, `[!` or `[^` is a literal member.
      let j = i + 1;
      if (pattern[j] === "!" || pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
      if (j >= pattern.length)
        return `the character class opened at position ${i + 1} is never closed with ']'`;
      i = j;
    } else if (c === "{") {
      braces++;
      if (braces > MAX_BRACE_DEPTH) {
        return `its '{' alternations are nested more than ${MAX_BRACE_DEPTH} levels deep`;
      }
    } else if (c === "}") {
      if (braces === 0) return `the '}' at position ${i + 1} closes no '{'`;
      braces--;
    }
  }
  if (braces > 0) return "a '{' alternation is never closed with '}'";
  try {
    picomatch.makeRe(pattern, PICO_OPTIONS);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

/**
 * `*` and a literal tail of plain name characters, not all dots: picomatch matches a base name with
 * it exactly when the name ends with the tail (its `*` may be empty, even at a leading dot, with
 * `dot: true`; the names `.` and `..` it refuses cannot end with such a tail), unless the name
 * starts with a line terminator (its regex opens with `(?=.)`, and `.` matches none of those).
 */
const STAR_LITERAL = /^\*(?=[A-Za-z0-9._~-]*[A-Za-z0-9_~-])[A-Za-z0-9._~-]+$/;

/** Whether `s[at]` is a character JavaScript's `.` does not match (\n, \r, U+2028, U+2029). */
function lineTerminatorAt(s: string, at: number): boolean {
  const c = s.charCodeAt(at);
  return c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
}

/**
 * Whether a UTF-8 name starting with byte `b` may start with a line terminator (\n, \r, or 0xe2,
 * the first byte of U+2028 and U+2029): such a name must go through `matchesBaseName` even when
 * `suffixDecides`.
 */
export function mayStartWithLineTerminator(b: number | undefined): boolean {
  return b === 0x0a || b === 0x0d || b === 0xe2;
}

/** Characters of a single-segment glob that ripgrep's glob syntax reads exactly as picomatch does. */
const RG_SAFE_SEGMENT = /^[A-Za-z0-9_.\-*?[\]{},!^ @#%+=~]+$/;

export interface GlobMatcher {
  /** Whether a path relative to the root matches (the relative path, else the base name). */
  matches(relPath: string): boolean;
  /** True when only the base name can decide (`*.ts`, `**\/*.ts`): callers may call `matchesBaseName`. */
  readonly baseNameOnly: boolean;
  /** For `baseNameOnly` patterns: whether a base name matches (no path split needed). */
  matchesBaseName(name: string): boolean;
  /**
   * For `baseNameOnly` patterns: UTF-8 bytes every matching name ends with (`.c` for `*.c`), so a
   * caller can reject most names without decoding them; undefined when there is no such suffix.
   */
  readonly baseNameSuffix: Buffer | undefined;
  /**
   * True when ending with `baseNameSuffix` is the whole test (`*.c`, `**\/*_test.go`) for a base name
   * whose first byte is not one `mayStartWithLineTerminator` names: it matches exactly when its
   * bytes end with the suffix, so callers need not decode it to match.
   */
  readonly suffixDecides: boolean;
  /**
   * A file-name glob every matching file's base name also matches, in a form ripgrep reads the same
   * way (for `--type-add`, which honours .gitignore where `--glob` would override it); undefined when
   * the pattern has no such single-segment form.
   */
  readonly baseNameGlob: string | undefined;
}

/** Compiles a pattern already checked with `globSyntaxError`. */
export function compileGlob(pattern: string): GlobMatcher {
  const whole = picomatch.makeRe(pattern, PICO_OPTIONS);
  // `seg` and `**/seg` (seg without `/` or `**`) match exactly the paths whose base name matches seg.
  const seg = pattern.startsWith("**/") ? pattern.slice(3) : pattern;
  const single = seg.length > 0 && !seg.includes("/") && !seg.includes("**");
  if (single) {
    const re = seg === pattern ? whole : picomatch.makeRe(seg, PICO_OPTIONS);
    const suffixDecides = STAR_LITERAL.test(seg);
    const suffix = seg.slice(1);
    return {
      baseNameOnly: true,
      baseNameGlob: RG_SAFE_SEGMENT.test(seg) && !seg.includes("..") ? seg : undefined,
      matchesBaseName: suffixDecides
        ? (name) => name.endsWith(suffix) && !lineTerminatorAt(name, 0)
        : (name) => re.test(name),
      baseNameSuffix: literalSuffix(seg),
      suffixDecides,
      // The suffix holds no `/`: a path ending with it has a base name ending with it.
      matches: suffixDecides
        ? (rel) => rel.endsWith(suffix) && !lineTerminatorAt(rel, rel.lastIndexOf("/") + 1)
        : (rel) => {
            const slash = rel.lastIndexOf("/");
            return re.test(slash < 0 ? rel : rel.slice(slash + 1));
          },
    };
  }
  // With a `/` outside a leading `**/`, only the relative path can match, so its last segment
  // must match the pattern's last segment (when no brace group spans a `/`).
  const cut = pattern.lastIndexOf("/");
  const head = pattern.slice(0, cut);
  const last = pattern.slice(cut + 1);
  const lastUsable =
    last.length > 0 &&
    !last.includes("**") &&
    !/[{}]/.test(head) &&
    RG_SAFE_SEGMENT.test(last) &&
    !last.includes("..");
  return {
    baseNameOnly: false,
    baseNameGlob: lastUsable ? last : undefined,
    matchesBaseName: (name) => whole.test(name),
    baseNameSuffix: undefined,
    suffixDecides: false,
    matches(rel) {
      if (whole.test(rel)) return true;
      const slash = rel.lastIndexOf("/");
      return slash >= 0 && whole.test(rel.slice(slash + 1));
    },
  };
}

/** The literal text a single-segment glob ends with (after its last special character). */
function literalSuffix(seg: string): Buffer | undefined {
  let i = seg.length;
  while (i > 0 && !"*?[]{}()|!+@\\".includes(seg[i - 1] as string)) i--;
  // A backslash-escaped character could be part of the tail; keep it simple and give up there.
  if (i > 0 && seg[i - 1] === "\\") return undefined;
  return i < seg.length ? Buffer.from(seg.slice(i)) : undefined;
}
