import { mayStartWithLineTerminator } from "./glob-pattern.js";
import type { GlobRequest } from "./glob-request.js";
import { type LinkInfo, linkOf, mtimeOf } from "./mtime.js";
import { NewestPage } from "./newest-page.js";
import type { ReportedPathScope } from "./search-scope.js";

/**
 * Whether `b[start, start+len)` equals `a[0, aLen)`. A plain loop from the end (sibling paths
 * differ last): cheaper than Buffer#compare's call overhead for the short runs compared per line.
 */
function sameBytes(a: Buffer, aLen: number, b: Buffer, start: number, len: number): boolean {
  if (aLen !== len) return false;
  for (let i = len - 1; i >= 0; i--) if (a[i] !== b[start + i]) return false;
  return true;
}

function endsWith(buf: Buffer, end: number, suffix: Buffer): boolean {
  const n = suffix.length;
  if (end < n) return false;
  for (let i = 1; i <= n; i++) if (buf[end - i] !== suffix[n - i]) return false;
  return true;
}

/**
 * Turns rg's NUL-terminated file listing into glob's matches. rg lists files only: directories are
 * the ancestors of the files it reports, each seen once (`known`); whether one is a directory
 * symlink (glob does not descend into those; rg --follow did) is asked of the OS only when a match
 * depends on it.
 */
export class GlobListing {
  /** The matches that can be on the page (newest first), and how many there are. */
  readonly page: NewestPage;
  /** Directories that hold a listed file, relative ("" for the root). */
  readonly known = new Set<string>([""]);
  private readonly linked = new Map<string, boolean>([["", false]]);
  /** Link counts of the directories lstat'ed for `behindLink` (reused by the directory search). */
  private readonly nlinks = new Map<string, number>();
  private readonly req: GlobRequest;
  private readonly rootSlash: string;
  private readonly scope: ReportedPathScope | undefined;
  private lastDirBytes = Buffer.alloc(256);
  /** The root's bytes, and a reused buffer holding them followed by a path rg printed. */
  private readonly rootBytes: Buffer;
  private pathBytes: Buffer;
  /** Views of pathBytes by length, made once each: a stat per match then allocates no view. */
  private pathViews: Buffer[] = [];
  private lastDirLen = -1;
  private lastDir = "";
  private lastDirAbs = "";
  /** Whether lastDir is, or lies behind, a directory symlink; asked once a match needs it. */
  private lastDirLinked: boolean | undefined;

  constructor(req: GlobRequest, rootSlash: string, scope: ReportedPathScope | undefined, pageChars: number) {
    this.page = new NewestPage(pageChars);
    this.req = req;
    this.rootSlash = rootSlash;
    this.scope = scope;
    this.rootBytes = Buffer.from(rootSlash);
    this.pathBytes = Buffer.alloc(this.rootBytes.length + 1024);
    this.rootBytes.copy(this.pathBytes);
  }

  /** Whether the directory at `rel` is, or lies behind, a directory symlink. */
  behindLink = (rel: string): boolean => {
    let v = this.linked.get(rel);
    if (v === undefined) {
      const slash = rel.lastIndexOf("/");
      v = this.behindLink(slash < 0 ? "" : rel.slice(0, slash));
      if (!v) {
        const link = this.linkAt(rel);
        // Gone since rg saw it: leave it out.
        v = link?.symlink ?? true;
        if (link) this.nlinks.set(rel, link.nlink);
      }
      this.linked.set(rel, v);
    }
    return v;
  };

  /** The link count of a known directory that is not behind a link; undefined when gone. */
  nlinkOf = (rel: string): number | undefined => {
    if (this.behindLink(rel)) return undefined;
    let n = this.nlinks.get(rel);
    if (n === undefined) {
      n = this.linkAt(rel)?.nlink;
      if (n === undefined) return undefined;
      this.nlinks.set(rel, n);
    }
    return n;
  };

  /** lstat of the directory at `rel`; undefined when it is gone or cannot be asked about. */
  private linkAt(rel: string): LinkInfo | undefined {
    try {
      return linkOf(this.rootSlash + rel);
    } catch {
      return undefined;
    }
  }

  /** Records a directory with no listed file (found by the directory search). */
  addDir(rel: string): void {
    if (this.req.matcher.matches(rel) && (!this.scope || this.scope.allowed(rel, true))) {
      this.addName(rel);
    }
  }

  /** Stats and offers a match given as a string (a directory); gone ones are left out. */
  private addName(rel: string): void {
    const time = mtimeOf(this.rootSlash + rel);
    if (time !== undefined) this.page.offerName(time, rel);
  }

  private newDir(rel: string): void {
    for (let d = rel; !this.known.has(d); ) {
      this.known.add(d);
      if (this.req.type !== "file") {
        // The directory search needs every known directory's link count: lstat it now, while rg
        // is still walking, rather than all of them after it.
        this.nlinkOf(d);
        if (this.req.matcher.matches(d) && !this.behindLink(d)) {
          if (!this.scope || this.scope.allowed(d, true)) this.addName(d);
        }
      }
      const slash = d.lastIndexOf("/");
      d = slash < 0 ? "" : d.slice(0, slash);
    }
  }

  /**
   * One path from rg. A directory's files come together: the directory part is compared as bytes
   * with the previous line's and decoded only when it changes; for name-only patterns only the base
   * name is decoded before matching. A walk of 80k files then allocates little beyond the matches.
   */
  sink = (buf: Buffer, start: number, end: number): boolean => {
    if (end === start) return false;
    // A loop, not Buffer#lastIndexOf: a base name is a few bytes, a native call per line is not.
    let slash = end - 1;
    while (slash >= start && buf[slash] !== 0x2f) slash--;
    if (slash < start) slash = -1;
    if (slash >= 0) {
      const len = slash - start;
      if (!sameBytes(this.lastDirBytes, this.lastDirLen, buf, start, len)) {
        if (len > this.lastDirBytes.length) this.lastDirBytes = Buffer.alloc(len * 2);
        for (let i = 0; i < len; i++) this.lastDirBytes[i] = buf[start + i] as number;
        this.lastDirLen = len;
        this.lastDir = buf.toString("utf8", start, slash);
        this.lastDirAbs = this.rootSlash + this.lastDir;
        this.lastDirLinked = undefined;
        this.newDir(this.lastDir);
      }
    }
    const { matcher, type } = this.req;
    if (type === "directory") return false;
    // The page keeps rg's bytes (and decodes them) only for the matches it shows; the one string made
    // per match is the absolute path to stat, and none where the name's last bytes decide the match.
    let abs: string | undefined;
    let rel: string | undefined;
    if (matcher.baseNameOnly) {
      const suffix = matcher.baseNameSuffix;
      if (suffix && !endsWith(buf, end, suffix)) return false;
      const first = buf[slash < 0 ? start : slash + 1];
      if (!matcher.suffixDecides || mayStartWithLineTerminator(first)) {
        const name = buf.toString("utf8", slash < 0 ? start : slash + 1, end);
        if (!matcher.matchesBaseName(name)) return false;
        abs = slash < 0 ? this.rootSlash + name : `${this.lastDirAbs}/${name}`;
      }
    } else {
      rel = buf.toString("utf8", start, end);
      if (!matcher.matches(rel)) return false;
      abs = this.rootSlash + rel;
    }
    if (slash >= 0) {
      this.lastDirLinked ??= this.behindLink(this.lastDir);
      if (this.lastDirLinked) return false;
    }
    if (this.scope && !this.scope.allowed(rel ?? buf.toString("utf8", start, end))) return false;
    const time = abs === undefined ? this.mtimeOfBytes(buf, start, end) : mtimeOf(abs);
    if (time !== undefined) this.page.offerBytes(time, buf, start, end);
    return false;
  };

  /**
   * The modification time of the file rg printed as `buf[start, end)`, stat'ed by a byte path (the
   * root's bytes, then the line's) instead of a decoded string. A name with a non-ASCII byte goes
   * through the string, as before: a name that is not UTF-8 does not survive the decoding, and such
   * a file is left out (gone) either way.
   */
  private mtimeOfBytes(buf: Buffer, start: number, end: number): number | undefined {
    const rootLen = this.rootBytes.length;
    const n = rootLen + end - start;
    if (n > this.pathBytes.length) {
      this.pathBytes = Buffer.alloc(n * 2);
      this.rootBytes.copy(this.pathBytes);
      this.pathViews = [];
    }
    const path = this.pathBytes;
    let high = 0;
    for (let i = start, j = rootLen; i < end; i++, j++) {
      const b = buf[i] as number;
      high |= b;
      path[j] = b;
    }
    if (high >= 0x80) return mtimeOf(this.rootSlash + buf.toString("utf8", start, end));
    let view = this.pathViews[n];
    if (view === undefined) {
      view = path.subarray(0, n);
      this.pathViews[n] = view;
    }
    return mtimeOf(view);
  }
}
