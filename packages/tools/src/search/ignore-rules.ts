import { readFileSync } from "node:fs";
import path from "node:path";
import ignore, { type Ignore } from "ignore";

/** Ignore files ripgrep reads in each directory, lowest precedence first. */
const IGNORE_FILES = [".gitignore", ".ignore", ".rgignore"] as const;

interface Rules {
  /** Absolute directory the rules are relative to. */
  readonly base: string;
  readonly rules: Ignore;
}

/**
 * The ignore rules the search walk honours, for the directories rg does not report (it lists
 * files only): .gitignore (also outside a git repository), .ignore and .rgignore of the root, of its
 * ancestors and of every directory down to the one asked about, deeper files overriding shallower
 * ones, as in ripgrep. Git's global excludes file and .git/info/exclude are not read.
 */
export class IgnoreRules {
  private readonly root: string;
  private readonly perDir = new Map<string, readonly Rules[]>();

  /** `root`: the canonical search root. */
  constructor(root: string) {
    this.root = root;
  }

  /** Whether the directory at `rel` (relative to the root, not "") is ignored. */
  ignoresDir(rel: string): boolean {
    const slash = rel.lastIndexOf("/");
    const chain = this.rulesIn(slash < 0 ? "" : rel.slice(0, slash));
    const abs = path.join(this.root, rel);
    for (let i = chain.length - 1; i >= 0; i--) {
      const { base, rules } = chain[i] as Rules;
      const result = rules.test(`${path.relative(base, abs)}/`);
      if (result.ignored) return true;
      if (result.unignored) return false;
    }
    return false;
  }

  /** The rules in force in directory `dirRel`: its ancestors' first, its own last. */
  private rulesIn(dirRel: string): readonly Rules[] {
    let chain = this.perDir.get(dirRel);
    if (chain) return chain;
    if (dirRel === "") {
      chain = [];
      const ancestors: string[] = [];
      for (let d = this.root; ; d = path.dirname(d)) {
        ancestors.unshift(d);
        if (d === path.dirname(d)) break;
      }
      for (const d of ancestors) chain = withRulesOf(chain, d);
    } else {
      const slash = dirRel.lastIndexOf("/");
      chain = withRulesOf(
        this.rulesIn(slash < 0 ? "" : dirRel.slice(0, slash)),
        path.join(this.root, dirRel),
      );
    }
    this.perDir.set(dirRel, chain);
    return chain;
  }
}

function withRulesOf(chain: readonly Rules[], dir: string): readonly Rules[] {
  let out = chain;
  for (const name of IGNORE_FILES) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, name), "utf8");
    } catch {
      continue;
    }
    // Case-sensitive, as git and ripgrep match ignore rules (the library's default ignores case:
    // a rule `perf` would hide a directory named Perf that the walk shows).
    out = [...out, { base: dir, rules: ignore({ allowRelativePaths: true, ignorecase: false }).add(text) }];
  }
  return out;
}
