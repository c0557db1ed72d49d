/**
 * The vocabulary the tests hand to the parser as `toolNames`. Config does not know the real tool
 * names (the tools package defines them and the apps pass them in); any list serves its tests.
 */
export const TEST_TOOL_NAMES: readonly string[] = [
  "bash",
  "view",
  "str_replace",
  "create_file",
  "grep",
  "glob",
];
