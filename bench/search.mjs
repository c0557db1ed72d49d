// grep and glob over the kernel corpus, each a ratio to the same rg binary run directly with the same
// walk rules (hidden files, .git and node_modules skipped, .gitignore honoured outside git, symlinks
// followed, the size limit) on the same warm corpus, interleaved. Result counts must agree. Peers run
// once per case: their searches take seconds, and what they return differs (see the notes).
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

export async function search(ctx) {
  const corpus = ctx.dirs.corpus;
  const { stdio, peers } = ctx.main;
  const rg = process.env.BORIS_RG_PATH || bundledRg;
  const boris = async (tool, args, offset = 0) =>
    countOf(await stdio.endpoint.text(tool, { path: corpus, ...args }), offset);
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
  const contentLines = await direct(contentArgs, NL)();
  const countLines = await direct(countArgs, NL)();

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
  cases.push(
    {
      figure: "grep content -n, every line read",
      target: 1.2,
      rg: direct(contentArgs, NL),
      // An offset near the end makes the server read and count every line rg prints.
      boris: () =>
        boris("grep", { pattern: REGEX, output_mode: "content", offset: contentLines - 5 }, contentLines - 5),
      base: "rg -n",
      peer: "grepLinesCount",
    },
    {
      figure: "grep content -n, first page",
      target: 1.2,
      rg: direct(contentArgs, NL),
      boris: () => boris("grep", { pattern: REGEX, output_mode: "content" }),
      base: "rg -n",
      countsDiffer: true,
    },
    {
      figure: "grep count, every entry read",
      target: 1.15,
      rg: direct(countArgs, NL),
      boris: () =>
        boris("grep", { pattern: REGEX, output_mode: "count", offset: countLines - 5 }, countLines - 5),
      base: "rg -c",
    },
    {
      figure: "glob `**/*.c`",
      target: 1.3,
      rg: direct([...WALK, "--files", "--follow", "--null", "--glob=*.c"], NUL),
      boris: () => boris("glob", { pattern: "**/*.c" }),
      base: "rg --files -g '*.c'",
      peer: "globCount",
    },
  );

  const runs = ctx.scale(7);
  for (const c of cases) {
    const results = await interleave({ rg: c.rg, boris: c.boris }, { runs, warmup: 0 });
    const rgMs = median(results.rg.times);
    const borisMs = median(results.boris.times);
    const counts = { rg: results.rg.last, boris: results.boris.last };
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
          `${c.countsDiffer ? `first page only; rg ${counts.rg} lines` : `counts ${agree ? "agree" : "DIFFER"}: rg ${counts.rg}, Boris ${counts.boris}`}` +
          `${peerNotes.length ? `; peers 1 run: ${peerNotes.join(", ")}` : ""}`,
        detail: { runs, rg: results.rg.times, boris: results.boris.times, counts },
      }),
    );
  }
}
