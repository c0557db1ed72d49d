/**
 * pnpm hands every script it runs `pnpm_config_verify_deps_before_run=false`, meaning "already
 * checked, do not check again". pnpm 10 reads that variable back as the string "false", which is
 * truthy, so every `pnpm run <task>` that turbo starts checks the dependencies anyway. When a
 * package.json is newer than the last install, each check rewrites
 * node_modules/.pnpm-workspace-state-v1.json in place while the checks of the other tasks read it,
 * and one of them reads half a file: `Unexpected end of JSON input at loadWorkspaceState …
 * checkDepsStatus`. Without the variable, pnpm uses its setting (`verifyDepsBeforeRun: false` in
 * pnpm-workspace.yaml) and does no check at all; npm, which the tests run, stops warning about an
 * unknown `verify-deps-before-run` config too.
 */
export const PNPM_CHECK_VARIABLES = [
  "pnpm_config_verify_deps_before_run",
  "npm_config_verify_deps_before_run",
];

/**
 * The environment for turbo and the tasks it starts: the caller's, without pnpm's check variables.
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function turboEnv(env) {
  const clean = { ...env };
  for (const name of PNPM_CHECK_VARIABLES) delete clean[name];
  return clean;
}
