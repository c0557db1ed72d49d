import { ErrorCode, ToolError } from "../core/errors.js";
import type { ToolConfig } from "../core/tool-config.js";

let bundled: Promise<string | undefined> | undefined;

/**
 * The rg of @vscode/ripgrep, loaded on first use: the package throws at import time when its
 * per-platform binary package is missing, and that must not stop the other tools from loading.
 */
function bundledRgPath(): Promise<string | undefined> {
  bundled ??= import("@vscode/ripgrep").then(
    (m) => m.rgPath,
    () => undefined,
  );
  return bundled;
}

/**
 * The ripgrep binary: `config.rgPath` (the configuration reads BORIS_RG_PATH into it), else the one
 * @vscode/ripgrep ships.
 */
export async function resolveRgPath(config: ToolConfig): Promise<string> {
  if (config.rgPath) return config.rgPath;
  const rg = await bundledRgPath();
  if (!rg) {
    throw new ToolError(
      ErrorCode.IO_ERROR,
      `ripgrep is not available: @vscode/ripgrep has no binary for ${process.platform}-${process.arch}. ` +
        "Install ripgrep and set BORIS_RG_PATH to its path.",
    );
  }
  return rg;
}
