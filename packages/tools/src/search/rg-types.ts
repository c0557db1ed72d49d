/**
 * grep's `type` table (SPEC §3.6), with the file-name globs of ripgrep's `--type-list`. We pass the
 * globs to rg with `--type-add` under a name of our own instead of relying on rg's built-in table, so
 * a different rg (BORIS_RG_PATH) cannot change what a type means.
 */
const TYPES: Readonly<Record<string, readonly string[]>> = {
  asm: ["*.S", "*.asm", "*.s"],
  c: ["*.[chH]", "*.[chH].in", "*.cats"],
  clojure: ["*.clj", "*.cljc", "*.cljs", "*.cljx"],
  cmake: ["*.cmake", "CMakeLists.txt"],
  cpp: [
    "*.[ChH]",
    "*.[ChH].in",
    "*.[ch]pp",
    "*.[ch]pp.in",
    "*.[ch]xx",
    "*.[ch]xx.in",
    "*.cc",
    "*.cc.in",
    "*.hh",
    "*.hh.in",
    "*.inl",
  ],
  cs: ["*.cs"],
  css: ["*.css", "*.scss"],
  csv: ["*.csv"],
  dart: ["*.dart"],
  docker: ["*Dockerfile*"],
  elixir: ["*.eex", "*.ex", "*.exs", "*.heex", "*.leex", "*.livemd"],
  erlang: ["*.erl", "*.hrl"],
  go: ["*.go"],
  graphql: ["*.graphql", "*.graphqls"],
  haskell: ["*.c2hs", "*.cpphs", "*.hs", "*.hsc", "*.lhs"],
  html: ["*.ejs", "*.htm", "*.html"],
  java: ["*.java", "*.jsp", "*.jspx", "*.properties"],
  js: ["*.cjs", "*.js", "*.jsx", "*.mjs", "*.vue"],
  json: ["*.json", "*.sarif", "composer.lock"],
  jsonl: ["*.jsonl"],
  kotlin: ["*.kt", "*.kts"],
  lua: ["*.lua"],
  make: [
    "*.mak",
    "*.mk",
    "Makefile.*",
    "[Gg][Nn][Uu]makefile",
    "[Mm]akefile",
    "[Mm]akefile.am",
    "[Mm]akefile.in",
  ],
  md: ["*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mdx", "*.mkd", "*.mkdn"],
  php: ["*.php", "*.php3", "*.php4", "*.php5", "*.php7", "*.php8", "*.pht", "*.phtml"],
  perl: ["*.PL", "*.perl", "*.pl", "*.plh", "*.plx", "*.pm", "*.t"],
  proto: ["*.proto"],
  py: ["*.py", "*.pyi"],
  r: ["*.R", "*.Rmd", "*.Rnw", "*.r", "*.rmd", "*.rnw"],
  rb: ["*.gemspec", "*.rake", "*.rb", "*.rbw", ".irbrc", "Gemfile", "Rakefile", "config.ru"],
  rust: ["*.rs"],
  scala: ["*.sbt", "*.scala"],
  sh: [
    "*.bash",
    "*.bashrc",
    "*.csh",
    "*.ksh",
    "*.sh",
    "*.tcsh",
    "*.zsh",
    ".bash_profile",
    ".bashrc",
    ".profile",
    ".zprofile",
    ".zshenv",
    ".zshrc",
  ],
  sql: ["*.psql", "*.sql"],
  svelte: ["*.svelte"],
  swift: ["*.swift"],
  toml: ["*.toml", "Cargo.lock"],
  ts: ["*.cts", "*.mts", "*.ts", "*.tsx"],
  txt: ["*.txt"],
  vue: ["*.vue"],
  xml: ["*.dtd", "*.rng", "*.sch", "*.xhtml", "*.xjb", "*.xml", "*.xml.dist", "*.xsd", "*.xsl", "*.xslt"],
  yaml: ["*.yaml", "*.yml"],
  zig: ["*.zig"],
};

/** Other names agents use for the same types (ripgrep knows most of them too). */
const ALIASES: Readonly<Record<string, string>> = {
  python: "py",
  typescript: "ts",
  markdown: "md",
  javascript: "js",
  ruby: "rb",
  csharp: "cs",
  "c++": "cpp",
  golang: "go",
  rs: "rust",
  bash: "sh",
  shell: "sh",
  yml: "yaml",
  protobuf: "proto",
  kt: "kotlin",
  dockerfile: "docker",
  makefile: "make",
};

/** Every accepted type name, sorted, for error messages. */
export const FILE_TYPE_NAMES: readonly string[] = Object.keys(TYPES).sort();

/** The globs of a type name or alias (case-insensitive), or undefined when unknown. */
export function fileTypeGlobs(name: string): readonly string[] | undefined {
  const key = name.trim().toLowerCase();
  return TYPES[ALIASES[key] ?? key];
}

/** rg arguments that select exactly the files of `globs` (matched against the file name). */
export function rgTypeArgs(typeName: string, globs: readonly string[]): string[] {
  const args: string[] = [];
  for (const g of globs) args.push(`--type-add=${typeName}:${g}`);
  args.push(`--type=${typeName}`);
  return args;
}
