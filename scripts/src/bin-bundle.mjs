const LAUNCHER = "\0boris:launcher";

/**
 * V8 grows the young generation (the semi-spaces where new objects live) from 1 MB up to 16 MB
 * each as allocation picks up, and keeps it: a server that once streamed a big output or walked a
 * big tree holds ~32 MB more RSS from then on, and every later spawn() forks that much more. A
 * growth factor of 1 keeps the semi-spaces at their initial size. `--max-semi-space-size=1` on
 * the command line does the same but cannot be baked into a bin that runs as `npx boris`,
 * `boris` from a global install or `node …/bin/boris.js` alike; the growth factor is read at
 * each growth, so setting it first thing at run time works for all of them. (V8 clamps a factor
 * below 2 given on the command line, not one set later.) Measured in the bench: peak RSS of the
 * stdio server over ping … str_replace 74.7 → 64.5 MB; see bench/README.md.
 */
const YOUNG_GENERATION_FLAG = "--semi-space-growth-factor=1";

/**
 * V8 lets the old generation grow by a factor it picks from its GC speed (up to 4×) before the next
 * full collection; with small semi-spaces much short-lived garbage is promoted there (a glob of the
 * kernel tree promotes ~15 MB that is dead by the end of the call), so a server that searched holds
 * that much more RSS. 20% growth between full collections keeps the stdio server's peak over the
 * bench's search stage at ~78 MB instead of ~92 MB, with no slower search (bench/README.md). Like the
 * growth factor above it is read at each collection, so it is set at run time too. Only `boris`
 * (stdio, one client, one per open editor window) trades the extra collections for memory;
 * `boris-http` serves many sessions and keeps V8's throughput default.
 */
const OLD_GENERATION_FLAG = "--heap-growing-percent=20";

/**
 * The entry of the bundle: sets the V8 flag above, then imports the app, so no module of the app
 * is evaluated (and allocates) before the flag is in force.
 *
 * @param {string} appMain absolute path of the app's src/main.ts
 * @param {readonly string[]} flags V8 flags, set in this order
 * @returns {import("rolldown").Plugin}
 */
function launcher(appMain, flags) {
  return {
    name: "boris:launcher",
    resolveId(source) {
      return source === LAUNCHER ? LAUNCHER : null;
    },
    load(id) {
      if (id !== LAUNCHER) return null;
      return `import { setFlagsFromString } from "node:v8";
${flags.map((flag) => `setFlagsFromString(${JSON.stringify(flag)});\n`).join("")}await import(${JSON.stringify(appMain)});`;
    },
  };
}

/**
 * The rolldown configuration of a binary (`boris`, `boris-http`): the app's `src/main.ts` and
 * everything it imports, workspace packages and npm dependencies alike, in one minified ES module,
 * `dist/main.js`, which the committed launcher in `bin/` imports. Node then reads and compiles one
 * file instead of resolving ~250 modules, and a start-up pays only for the code it runs: what the
 * first `initialize` does not need is imported dynamically and lands in chunks of its own under
 * `dist/chunks/`, loaded on first use.
 *
 * `@vscode/ripgrep` stays external: it finds its per-platform binary package relative to itself,
 * so it is a dependency of each app and resolved from the app's folder at run time.
 *
 * `dist/main.js` itself is a launcher (see `launcher`): it sets V8 flags and then imports the
 * app's code, `dist/bundle.js`.
 *
 * @param {string} configUrl `import.meta.url` of the app's rolldown.config.mjs
 * @param {{ smallOldGeneration?: boolean }} [options] `smallOldGeneration`: full collections after
 *   20% old-generation growth (see OLD_GENERATION_FLAG)
 * @returns {import("rolldown").RolldownOptions}
 */
export function binBundle(configUrl, options = {}) {
  const app = new URL(".", configUrl);
  const appMain = new URL("src/main.ts", app).pathname;
  return {
    input: { main: LAUNCHER },
    platform: "node",
    external: [/^@vscode\/ripgrep(\/|$)/],
    logLevel: "warn",
    plugins: [
      launcher(appMain, [
        YOUNG_GENERATION_FLAG,
        ...(options.smallOldGeneration ? [OLD_GENERATION_FLAG] : []),
      ]),
    ],
    output: {
      dir: new URL("dist", app).pathname,
      format: "esm",
      entryFileNames: "main.js",
      // The app's own chunk sits beside the launcher, where its modules lived before (they find
      // the package's package.json as "../package.json" from their own URL).
      chunkFileNames: (chunk) => (chunk.facadeModuleId === appMain ? "bundle.js" : "chunks/[name]-[hash].js"),
      minify: true,
      sourcemap: true,
    },
  };
}
