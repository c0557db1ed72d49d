import { ErrorCode, ToolError } from "../core/errors.js";
import { formatSize } from "./text-format.js";

function sized(bytes: number): string {
  return `${formatSize(bytes)}${bytes >= 1024 ? ` (${bytes} bytes)` : ""}`;
}

/** FILE_TOO_LARGE for a file or content over --max-file-size; `fix` says what to do instead. */
export function tooLarge(what: string, bytes: number, limit: number, fix: string): ToolError {
  return new ToolError(
    ErrorCode.FILE_TOO_LARGE,
    `${what} is ${sized(bytes)}, over the ${formatSize(limit)} limit (--max-file-size). ${fix}`,
  );
}

/**
 * FILE_TOO_LARGE for an image over --max-image-size: MCP clients drop a result whose base64 image
 * is bigger than they take, so the model gets nothing; this says how to make a smaller copy.
 */
export function imageTooLarge(given: string, bytes: number, limit: number): ToolError {
  const file = `'${given.replaceAll("'", "'\\''")}'`;
  return new ToolError(
    ErrorCode.FILE_TOO_LARGE,
    `${given} is an image of ${sized(bytes)}, over the ${formatSize(limit)} image limit (--max-image-size); ` +
      "MCP clients drop larger images (Claude Desktop accepts tool results up to 1 MB, the Claude API images up to 5 MB of base64). " +
      "Make a smaller copy with bash and view that, e.g. with ImageMagick: " +
      `\`convert ${file} -resize 1024x1024 /tmp/preview.png\` (fit into 1024×1024 pixels), ` +
      `\`convert ${file} -quality 80 /tmp/preview.jpg\` (JPEG), or a region: \`convert ${file} -crop 800x600+0+0 /tmp/part.png\`.`,
  );
}
