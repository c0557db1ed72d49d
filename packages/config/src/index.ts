export { type CommandLine, EXIT_USAGE, readCommandLine } from "./command-line.js";
export { checkOptionsOnDisk, readPackageVersion } from "./environment.js";
export { helpText } from "./help.js";
export { buildInstructions, type InstructionOptions } from "./instructions.js";
export { createLineWriter, createLogger, formatTextLine, type Logger, type LoggerOptions } from "./logger.js";
export { maxMessageBytes } from "./message-limit.js";
export { type BorisOptions, type ParseInput, type ParseResult, parseOptions, splitList } from "./parse.js";
export { INSTANCE_ID_PATTERN, type ParsedOptions, type RawOptions } from "./schema.js";
export { formatSize, parseSize } from "./size.js";
export { OPTION_SPECS, type OptionKey, type OptionKind, type OptionSpec, type Program } from "./specs.js";
export {
  containmentSettings,
  sessionSettings,
  TOOL_DEFAULTS,
  toolSettings,
  unenforceableLimitMessage,
} from "./tool-settings.js";
