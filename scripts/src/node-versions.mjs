/**
 * The Node releases the tests fetch from npm besides the machine's own (Node 20): the conformance
 * suite needs 22, and `pnpm test:nodes` runs the binaries' end-to-end suites under the current LTS
 * lines. Pinned exactly, so a run is reproducible and the cache (fetch-node.mjs) stays valid.
 */
export const NODE_VERSIONS = /** @type {const} */ ({ 22: "22.23.3", 24: "24.22.3" });
