import { type Dirent, readdirSync } from "node:fs";
import { IgnoreRules } from "./ignore-rules.js";

export interface FileLessDirsOptions {
  /** Canonical search root, ending in `/`. */
  readonly rootSlash: string;
  /** Directories (relative, "" for the root) that hold a file rg listed: the walk reached them. */
  readonly known: ReadonlySet<string>;
  /**
   * The link count of a known directory; undefined when it is, or lies behind, a directory symlink
   * (glob does not descend into those) or is gone.
   */
  readonly nlinkOf: (rel: string) => number | undefined;
  /** Directory names the walk always skips (.git, node_modules, denied names). */
  readonly skipNames: ReadonlySet<string>;
  /** Receives each directory found (relative path). */
  readonly found: (rel: string) => void;
}

/**
 * The directories that hold no file rg listed (`emptydir`, `build/out`, a directory of ignored
 * files): rg --files reports files only, so glob would never see them. A known directory can have
 * such a subdirectory only when it has more subdirectories than the known ones; its link count
 * says how many it has (2 + subdirectories on Linux file systems), so only those directories are
 * read. What is found is filtered with the walk's ignore rules and searched down the same way.
 */
export function findFileLessDirs(o: FileLessDirsOptions): void {
  const subdirs = new Map<string, number>();
  for (const d of o.known) {
    if (d === "") continue;
    const slash = d.lastIndexOf("/");
    const parent = slash < 0 ? "" : d.slice(0, slash);
    subdirs.set(parent, (subdirs.get(parent) ?? 0) + 1);
  }
  let rules: IgnoreRules | undefined;
  const visit = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir === "" ? o.rootSlash : o.rootSlash + dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      // A directory symlink is not a directory here (glob does not descend into those).
      if (!e.isDirectory() || o.skipNames.has(e.name)) continue;
      const rel = dir === "" ? e.name : `${dir}/${e.name}`;
      if (o.known.has(rel)) continue;
      rules ??= new IgnoreRules(o.rootSlash.slice(0, -1) || "/");
      if (rules.ignoresDir(rel)) continue;
      o.found(rel);
      visit(rel);
    }
  };
  for (const d of o.known) {
    const nlink = o.nlinkOf(d);
    if (nlink === undefined) continue;
    // Link counts under 2 (btrfs, some network file systems) say nothing: read the directory.
    if (nlink >= 2 && nlink - 2 === (subdirs.get(d) ?? 0)) continue;
    visit(d);
  }
}
