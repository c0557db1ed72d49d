// grep and glob over the kernel corpus, each a ratio to the same rg binary run directly with the same
// walk rules (hidden files, .git and node_modules skipped, .gitignore honoured outside git, symlinks
// followed, the size limit) on the same warm corpus, interleaved. Result counts must agree. Peers run
// once per case: their searches take seconds, and what they return differs (see the notes).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { rgPath as bundledRg } from "@vscode/ripgrep";
import { rgCount } from "./baselines.mjs";
import { PEER_OPS } from "./peers.mjs";
import { NA, row } from "./report.mjs";
import { interleave, median, timed } from "./stats.mjs";

const MAX_FILE_SIZE = 10 * 1024 * 1024;
const NUL = 0;
const NL = 0x0a;

/** The walk rules of Boris's grep and glob (packages/tools/src/search/rg-args.ts), spelled out for rg. */
const WALK = [
  "--no-config",
  "--no-messages",
  "--hidden",
  "--no-require-git",
  "--glob=!.git",
  "--glob=!node_modules",
];
const GREP = [...WALK, "--follow", `--max-filesize=${MAX_FILE_SIZE}`, "--color=never"];
const caseFlag = (ci) => (ci ? "--ignore-case" : "--case-sensitive");

/** Result count of a Boris answer: the total of a cut note, else its lines (plus the offset asked for). */
function countOf(text, offset = 0) {
  if (text.startsWith("No ")) return offset;
  const total = / of (\d+)(?: paths)?\. /.exec(text);
  if (total) return Number(total[1]);
  return offset + text.split("\n\n[")[0].split("\n").length;
}

const REGEX = "\\bspin_lock_irqsave\\(";

/** The lines rg prints (for the all-pages checks: the union of the pages must be exactly these). */
function rgLines(rgPath, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(rgPath, args, { cwd, stdio: ["ignore", "pipe", "ignore"] });
    const chunks = [];
    child.stdout.on("data", (b) => chunks.push(b));
    child.once("error", reject);
    child.once("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      resolve(text.length === 0 ? [] : text.replace(/\n$/, "").split("\n"));
    });
  });
}

/** Order-free fingerprint of a list of lines: how many, and a digest of them sorted. */
function fingerprint(lines) {
  const digest = createHash("sha1")
    .update([...lines].sort().join("\n"))
    .digest("hex")
    .slice(0, 12);
  return `${lines.length} lines, sha1 ${digest}`;
}

export async function search(ctx) {
  const corpus = ctx.dirs.corpus;
  const { stdio, peers } = ctx.main;
  const rg = process.env.BORIS_RG_PATH || bundledRg;
  const boris = async (tool, args, offset = 0) =>
    countOf(await stdio.endpoint.text(tool, { path: corpus, ...args }), offset);
  /**
   * Pages through a grep as an agent does, following each note's "offset=N" until there is none;
   * returns every page's lines and the number of calls.
   */
  const allPages = async (args) => {
    const lines = [];
    let offset = 0;
    let calls = 0;
    for (;;) {
      const text = await stdio.endpoint.text("grep", {
        path: corpus,
        ...args,
        ...(offset ? { offset } : {}),
      });
      calls++;
      const cut = text.indexOf("\n\n[");
      const body = cut < 0 ? text : text.slice(0, cut);
      if (!body.startsWith("No ")) lines.push(...body.split("\n"));
      const next = cut < 0 ? null : /offset=(\d+)/.exec(text.slice(cut));
      if (!next) return { lines, calls };
      offset = Number(next[1]);
    }
  };
  const direct = (args, delim) => () => rgCount(rg, args, corpus, delim);

  // Warm the page cache and both code paths before anything is timed.
  await direct([...WALK, "--files"], NUL)();
  await boris("grep", { pattern: "EXPORT_SYMBOL_GPL" });

  const contentArgs = [
    ...GREP,
    caseFlag(false),
    "--no-heading",
    "--with-filename",
    "--line-number",
    `--regexp=${REGEX}`,
  ];
  const countArgs = [...GREP, caseFlag(false), "--count", "--with-filename", `--regexp=${REGEX}`];

  const cases = [];
  for (const [pattern, ci] of [
    ["EXPORT_SYMBOL_GPL", false],
    [REGEX, false],
    ["dma_buf", true],
  ]) {
    cases.push({
      figure: `grep files_with_matches ${ci ? "-i " : ""}\`${pattern}\``,
      target: 1.15,
      rg: direct([...GREP, caseFlag(ci), "--files-with-matches", "--null", `--regexp=${pattern}`], NUL),
      boris: () => boris("grep", { pattern, case_insensitive: ci }),
      base: "rg -l",
    });
  }
  const rgPages = (args) => async () => ({ lines: await rgLines(rg, args, corpus) });
  cases.push(
    {
      figure: "grep content -n, first page",
      target: 1.2,
      rg: direct(contentArgs, NL),
      // The first page of a search reads (and keeps) the whole result: its note gives the total.
      boris: () => boris("grep", { pattern: REGEX, output_mode: "content" }),
      base: "rg -n",
      peer: "grepLinesCount",
    },
    {
      figure: "grep count, first page",
      target: 1.15,
      rg: direct(countArgs, NL),
      boris: () => boris("grep", { pattern: REGEX, output_mode: "count" }),
      base: "rg -c",
    },
    {
      figure: "grep content, all pages",
      target: 1.5,
      rg: rgPages(contentArgs),
      boris: () => allPages({ pattern: REGEX, output_mode: "content" }),
      base: "one rg -n",
      pages: true,
    },
    {
      figure: "grep count, all pages",
      target: 1.5,
      rg: rgPages(countArgs),
      boris: () => allPages({ pattern: REGEX, output_mode: "count" }),
      base: "one rg -c",
      pages: true,
    },
    {
      figure: "glob `**/*.c`",
      target: 1.3,
      // The same walk listing the same files: the name filter as a type keeps .gitignore in force,
      // as glob must (rg's --glob overrides it, skipping the ignore checks of every other file).
      rg: direct(
        [...WALK, "--files", "--follow", "--null", "--type-add=borisname:*.c", "--type=borisname"],
        NUL,
      ),
      boris: () => boris("glob", { pattern: "**/*.c" }),
      base: "rg --files, *.c as a type",
      peer: "globCount",
      // Kept beside it: rg's --glob overrides .gitignore, so that walk skips the ignore checks.
      beside: {
        label: "rg --files -g '*.c'",
        run: direct([...WALK, "--files", "--follow", "--null", "--glob=*.c"], NUL),
      },
    },
  );

  const runs = ctx.scale(7);
  for (const c of cases) {
    const results = await interleave(
      { rg: c.rg, boris: c.boris, beside: c.beside?.run },
      { runs, warmup: 0 },
    );
    const rgMs = median(results.rg.times);
    const borisMs = median(results.boris.times);
    let counts = { rg: results.rg.last, boris: results.boris.last };
    let pagesNote = "";
    if (c.beside) {
      const ms = median(results.beside.times);
      pagesNote = `${c.beside.label}: ${ms.toFixed(0)} ms, Boris ${(borisMs / ms).toFixed(2)}× that; `;
    }
    if (c.pages) {
      pagesNote += `${results.boris.last.calls} calls; `;
      counts = { rg: fingerprint(results.rg.last.lines), boris: fingerprint(results.boris.last.lines) };
    }
    const agree = c.countsDiffer || counts.rg === counts.boris;
    const peerCells = {};
    const peerNotes = [];
    for (const [id, p] of Object.entries(peers)) {
      const op = c.peer && PEER_OPS[id][c.peer];
      if (!op) continue;
      const pattern = c.peer === "globCount" ? "**/*.c" : REGEX;
      const { ms, value } = await timed(() => op(p.endpoint, corpus, pattern));
      peerCells[id] = ms;
      peerNotes.push(`${id} found ${value ?? "?"}`);
    }
    ctx.log(
      `${c.figure}: rg ${rgMs.toFixed(0)} ms, boris ${borisMs.toFixed(0)} ms (${counts.rg} / ${counts.boris})`,
    );
    ctx.rows.push(
      row({
        figure: c.figure,
        unit: "ms",
        boris: borisMs,
        peers: Object.fromEntries(Object.keys(peers).map((id) => [id, peerCells[id] ?? NA])),
        baseline: { value: rgMs, label: `(${c.base})` },
        measured: borisMs / rgMs,
        target: { max: c.target, unit: "×" },
        ok: agree,
        note:
          pagesNote +
          `${c.pages ? `union of the pages ${agree ? "=" : "DIFFERS from"} rg's output: rg ${counts.rg}, Boris ${counts.boris}` : `counts ${agree ? "agree" : "DIFFER"}: rg ${counts.rg}, Boris ${counts.boris}`}` +
          `${peerNotes.length ? `; peers 1 run: ${peerNotes.join(", ")}` : ""}`,
        detail: { runs, rg: results.rg.times, boris: results.boris.times, counts },
      }),
    );
  }
}
