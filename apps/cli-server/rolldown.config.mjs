// The binary's bundle: see scripts/src/bin-bundle.mjs.
import { binBundle } from "../../scripts/src/bin-bundle.mjs";

export default binBundle(import.meta.url);
