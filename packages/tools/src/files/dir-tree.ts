import { constants, type Dirent } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import path from "node:path";
import { canonicalize } from "../scope/canonical-path.js";
import { closeFd, openFd } from "../scope/fd-io.js";
import { fdPath, hasProcFd } from "../scope/fd-path.js";
import type { PathScope } from "../scope/path-scope.js";

/** Never listed: version-control internals and dependency trees drown the useful part. */
const SKIPPED = new Set([".git", "node_modules"]);
/** Entries shown at most; a huge directory would otherwise flood the model's context. */
export const MAX_TREE_ENTRIES = 1000;

const SUBDIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

export interface DirTreeOptions {
  /** Levels below the directory to show (the directory's entries are level 1). */
  readonly depth?: number;
  /**
   * Entries the scope denies are left out (a denied `.env` is not listed), and a symlink that leads
   * out of it shows that, not where it leads.
   */
  readonly scope?: PathScope;
  /** Where to read the listed directory from when not its path: its open descriptor's path. */
  readonly readFrom?: string;
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

async function entriesOf(dir: string, source: string, scope: PathScope | undefined): Promise<Entry[]> {
  const dirents = await readdir(source, { withFileTypes: true });
  const out: Entry[] = [];
  for (const d of dirents) {
    if (SKIPPED.has(d.name) || (scope && !scope.isAllowed(path.join(dir, d.name)))) continue;
    let kind = kindOf(d);
    if (kind === undefined) {
      // Some filesystems do not report the type in readdir.
      const st = await lstat(path.join(source, d.name)).catch(() => undefined);
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

/** `-> target`, unless the target lies outside the scope: then only that it does. */
async function linkTarget(dir: string, source: string, name: string, scope: PathScope | undefined) {
  const target = await readlink(path.join(source, name)).catch(() => undefined);
  if (target === undefined) return "?";
  if (!scope || scope.unrestricted) return target;
  let where: string;
  try {
    where = await canonicalize(path.resolve(dir, target));
  } catch {
    return "(a target that cannot be resolved)";
  }
  const judged = scope.check(where, name);
  if (judged.ok) return target;
  return judged.why === "denied" ? "(a denied path)" : "(outside the allowed directories)";
}

/**
 * Lists a directory as an indented tree: directories end in `/`, symlinks are shown as
 * `name -> target` and not followed, dotfiles are included, `.git` and `node_modules` skipped.
 * With a restricted scope each subdirectory is opened without following symlinks and read through
 * its descriptor, so a name swapped for a symlink meanwhile cannot list what lies outside.
 */
export async function dirTree(dir: string, options: DirTreeOptions = {}): Promise<string> {
  const depth = options.depth ?? 2;
  const scope = options.scope;
  const pin = hasProcFd && scope !== undefined && !scope.unrestricted;
  const maxEntries = options.maxEntries ?? MAX_TREE_ENTRIES;
  const out: string[] = [dir.endsWith("/") ? dir : `${dir}/`];
  let shown = 0;
  let hidden = 0;

  const walk = async (current: string, source: string, level: number): Promise<void> => {
    const entries = await entriesOf(current, source, scope);
    const indent = "  ".repeat(level);
    for (const entry of entries) {
      if (shown >= maxEntries) {
        hidden++;
        continue;
      }
      shown++;
      if (entry.kind === "link") {
        out.push(`${indent}${entry.name} -> ${await linkTarget(current, source, entry.name, scope)}`);
      } else if (entry.kind === "dir") {
        out.push(`${indent}${entry.name}/`);
        if (level < depth) {
          let fd: number | undefined;
          try {
            let childSource = path.join(source, entry.name);
            if (pin) {
              fd = await openFd(childSource, SUBDIR_FLAGS);
              childSource = fdPath(fd);
            }
            await walk(path.join(current, entry.name), childSource, level + 1);
          } catch (err) {
            out.push(`${indent}  [not listed: ${describeError(err)}]`);
          } finally {
            if (fd !== undefined) closeFd(fd);
          }
        }
      } else {
        out.push(`${indent}${entry.name}`);
      }
    }
  };

  await walk(dir, options.readFrom ?? dir, 1);
  if (shown === 0) out.push("  (empty directory)");
  if (hidden > 0) {
    out.push(
      `[Listing stopped at ${maxEntries} entries; at least ${hidden} more not shown. View a subdirectory or use glob to narrow it down.]`,
    );
  }
  return out.join("\n");
}
