const AJV_PROVIDER = /@modelcontextprotocol\/sdk\/dist\/esm\/validation\/ajv-provider\.js$/;
const AJV_STUB = "\0boris:ajv-provider-stub";

/** @type {import("rolldown").Plugin} */
const withoutAjv = {
  name: "boris:without-ajv",
  async resolveId(source, importer, options) {
    if (!source.endsWith("ajv-provider.js")) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved && AJV_PROVIDER.test(resolved.id) ? AJV_STUB : null;
  },
  load(id) {
    if (id !== AJV_STUB) return null;
    return `export class AjvJsonSchemaValidator {
  constructor() {
    throw new Error("Ajv is not bundled into this binary: pass the Server a jsonSchemaValidator");
  }
}`;
  },
};

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
 * The SDK's server module imports its Ajv-based JSON Schema validator only to build it as the
 * default of the `jsonSchemaValidator` option, which Boris always passes (tools'
 * `noElicitationValidator`): the module is replaced by one that throws if it is ever built, so
 * Ajv and its formats are neither bundled nor evaluated at start-up.
 *
 * @param {string} configUrl `import.meta.url` of the app's rolldown.config.mjs
 * @returns {import("rolldown").RolldownOptions}
 */
export function binBundle(configUrl) {
  const app = new URL(".", configUrl);
  return {
    input: new URL("src/main.ts", app).pathname,
    platform: "node",
    external: [/^@vscode\/ripgrep(\/|$)/],
    logLevel: "warn",
    plugins: [withoutAjv],
    output: {
      dir: new URL("dist", app).pathname,
      format: "esm",
      entryFileNames: "main.js",
      chunkFileNames: "chunks/[name]-[hash].js",
      minify: true,
      sourcemap: true,
    },
  };
}
