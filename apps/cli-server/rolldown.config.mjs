// The binary's bundle: see scripts/src/bin-bundle.mjs.
import { binBundle } from "../../scripts/src/bin-bundle.mjs";

// One client per process, often one per open editor window: memory first (OLD_GENERATION_FLAG).
export default binBundle(import.meta.url, { smallOldGeneration: true });
