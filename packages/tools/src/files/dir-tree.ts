import type { Dirent } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import path from "node:path";

/** Never listed: version-control internals and dependency trees drown the useful part. */
const SKIPPED = new Set([".git", "node_modules"]);
/** Entries shown at most; a huge directory would otherwise flood the model's context. */
export const MAX_TREE_ENTRIES = 1000;

export interface DirTreeOptions {
  /** Levels below the directory to show (the directory's entries are level 1). */
  readonly depth?: number;
  /** Entries for which this returns false are left out (path scoping: a denied `.env` is not listed). */
  readonly include?: (absolutePath: string) => boolean;
  readonly maxEntries?: number;
}

type Kind = "dir" | "file" | "link" | "other";

interface Entry {
  readonly name: string;
  readonly kind: Kind;
}

function kindOf(d: Dirent): Kind | undefined {
  if (d.isSymbolicLink()) return "link";
  if (d.isDirectory()) return "dir";
  if (d.isFile()) return "file";
  if (d.isFIFO() || d.isSocket() || d.isBlockDevice() || d.isCharacterDevice()) return "other";
  return undefined;
}

async function entriesOf(dir: string, include: (p: string) => boolean): Promise<Entry[]> {
  const dirents = await readdir(dir, { withFileTypes: true });
  const out: Entry[] = [];
  for (const d of dirents) {
    if (SKIPPED.has(d.name) || !include(path.join(dir, d.name))) continue;
    let kind = kindOf(d);
    if (kind === undefined) {
      // Some filesystems do not report the type in readdir.
      const st = await lstat(path.join(dir, d.name)).catch(() => undefined);
      kind = st?.isSymbolicLink() ? "link" : st?.isDirectory() ? "dir" : "file";
    }
    out.push({ name: d.name, kind });
  }
  // Byte order, like `ls` in the C locale: stable whatever the host's locale.
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function describeError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return (err as Error)?.message ?? String(err);
}

/**
 * Lists a directory as an indented tree: directories end in `/`, symlinks are shown as
 * `name -> target` and not followed, dotfiles are included, `.git` and `node_modules` skipped.
 */
export async function dirTree(dir: string, options: DirTreeOptions = {}): Promise<string> {
  const depth = options.depth ?? 2;
  const include = options.include ?? (() => true);
  const maxEntries = options.maxEntries ?? MAX_TREE_ENTRIES;
  const out: string[] = [dir.endsWith("/") ? dir : `${dir}/`];
  let shown = 0;
  let hidden = 0;

  const walk = async (current: string, level: number): Promise<void> => {
    const entries = await entriesOf(current, include);
    const indent = "  ".repeat(level);
    for (const entry of entries) {
      if (shown >= maxEntries) {
        hidden++;
        continue;
      }
      shown++;
      const full = path.join(current, entry.name);
      if (entry.kind === "link") {
        const target = await readlink(full).catch(() => "?");
        out.push(`${indent}${entry.name} -> ${target}`);
      } else if (entry.kind === "dir") {
        out.push(`${indent}${entry.name}/`);
        if (level < depth) {
          try {
            await walk(full, level + 1);
          } catch (err) {
            out.push(`${indent}  [not listed: ${describeError(err)}]`);
          }
        }
      } else {
        out.push(`${indent}${entry.name}`);
      }
    }
  };

  await walk(dir, 1);
  if (shown === 0) out.push("  (empty directory)");
  if (hidden > 0) {
    out.push(
      `[Listing stopped at ${maxEntries} entries; at least ${hidden} more not shown. View a subdirectory or use glob to narrow it down.]`,
    );
  }
  return out.join("\n");
}
