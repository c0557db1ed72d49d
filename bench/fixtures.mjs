// Files the bench works on, made fresh in a temp folder each run.
import { once } from "node:events";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export const BIG_LINES = 200_000;
/** 52 bytes a line: 200k lines are 10.4 MB, just under the default --max-file-size of 10 MiB. */
export const bigLine = (n) =>
  `${String(n).padStart(6, "0")} ${"lorem ipsum dolor sit amet consectetur adipi"}\n`;

/** The view figure's file: BIG_LINES numbered lines, written in pieces. */
export async function makeBigFile(file) {
  const out = createWriteStream(file);
  for (let n = 1; n <= BIG_LINES; ) {
    let piece = "";
    for (let i = 0; i < 1000 && n <= BIG_LINES; i++, n++) piece += bigLine(n);
    if (!out.write(piece)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return file;
}

export const EDIT_LINES = 2000;
export const EDIT_TOKENS = ['const marker = "alpha";', 'const marker = "omega";'];

/** The str_replace figure's file: EDIT_LINES lines, one of them (the middle one) unique. */
export function makeEditFile(file) {
  const lines = [];
  for (let i = 1; i <= EDIT_LINES; i++) {
    lines.push(
      i === EDIT_LINES / 2 ? EDIT_TOKENS[0] : `  line ${i}: lorem ipsum dolor sit amet, consectetur`,
    );
  }
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/**
 * A small project for the HTTP load figure: 20 folders of 10 TypeScript files of 80 lines, every
 * tenth line a TODO. Returns the file the load's `view` calls read.
 */
export function makeProject(root) {
  for (let d = 0; d < 20; d++) {
    const dir = path.join(root, "src", `mod${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 10; f++) {
      const lines = [];
      for (let i = 1; i <= 80; i++) {
        lines.push(
          i % 10 === 0
            ? `// TODO(${d}.${f}.${i}) tidy this`
            : `export const v${i} = ${d * 1000 + f * 100 + i};`,
        );
      }
      writeFileSync(path.join(dir, `file${f}.ts`), `${lines.join("\n")}\n`);
    }
  }
  return path.join(root, "src", "mod0", "file0.ts");
}
