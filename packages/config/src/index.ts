export { type CommandLine, EXIT_USAGE, readCommandLine } from "./command-line.js";
export { checkOptionsOnDisk, readPackageVersion } from "./environment.js";
export { helpText } from "./help.js";
export { buildInstructions, type InstructionOptions } from "./instructions.js";
export { createLineWriter, createLogger, formatTextLine, type Logger, type LoggerOptions } from "./logger.js";
export { type BorisOptions, type ParseInput, type ParseResult, parseOptions, splitList } from "./parse.js";
export { optionsSchema, type ParsedOptions, type RawOptions } from "./schema.js";
export { formatSize, parseSize } from "./size.js";
export {
  OPTION_SPECS,
  type OptionKey,
  type OptionKind,
  type OptionSpec,
  type Program,
  TOOL_NAMES,
  type ToolName,
} from "./specs.js";
export { sessionSettings, TOOL_DEFAULTS, toolSettings } from "./tool-settings.js";
