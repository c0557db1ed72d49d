import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

/**
 * Every entry under `root` (except the names in `skip` at the top) with its type, mode, size,
 * mtime and content hash or link target: two equal snapshots mean nothing was touched.
 */
export function snapshot(root: string, skip: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (rel === "" && skip.includes(name)) continue;
      const path = join(dir, name);
      const key = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(path);
      const meta = `${st.mode.toString(8)} ${st.size} ${st.mtimeMs}`;
      if (st.isSymbolicLink()) out[key] = `link ${meta} -> ${readlinkSync(path)}`;
      else if (st.isDirectory()) {
        out[key] = `dir ${meta}`;
        walk(path, key);
      } else out[key] = `file ${meta} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
    }
  };
  walk(root, "");
  return out;
}
