import {
  buildInstructions,
  containmentSettings,
  createLogger,
  EXIT_USAGE,
  formatSize,
  maxMessageBytes,
  readCommandLine,
  readPackageVersion,
  sessionSettings,
  toolSettings,
  unenforceableLimitMessage,
} from "@boris-mcp/config";
import {
  type Containment,
  ContainmentError,
  openContainment,
  ServerLifecycle,
  Session,
} from "@boris-mcp/session";
import {
  createSessionServer,
  createToolConfig,
  DEFAULT_IDLE_COLLECTION,
  IdleCollector,
  TOOL_NAMES,
  toolNamesFor,
  watchOperations,
} from "@boris-mcp/tools";
import { watchParent } from "./parent-watch.js";
import { LineTransport } from "./stdio/line-transport.js";

export interface StdioServerHandle {
  readonly session: Session;
  /** Closes the session (every process it started is gone), then the server, then exits. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

/**
 * `boris`: one Session and one MCP server over stdin/stdout. Whatever ends the transport (stdin
 * EOF or error, a broken stdout), a broken stderr, SIGINT/SIGTERM/SIGHUP and the parent process
 * disappearing all run the one orderly shutdown: the session is closed, then the process exits.
 * Stdout carries nothing but the protocol.
 */
export async function runStdio(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<StdioServerHandle | undefined> {
  const version = readPackageVersion(import.meta.url);
  const options = readCommandLine({ program: "boris", argv, env, version, toolNames: TOOL_NAMES });
  if (!options) return undefined;
  let containment: Containment;
  try {
    containment = openContainment(containmentSettings(options));
  } catch (err) {
    if (!(err instanceof ContainmentError)) throw err;
    process.stderr.write(`${unenforceableLimitMessage("boris", options, err.limit, err.message)}\n`);
    process.exitCode = EXIT_USAGE;
    return undefined;
  }

  let lifecycle: ServerLifecycle | undefined;
  const logger = createLogger({
    name: "boris",
    level: options.logLevel,
    format: options.logFormat,
    // The reader of stderr is gone (EPIPE): so is the client. Other failures just stop the logging.
    onBroken: (err) => {
      if (err.code === "EPIPE") void lifecycle?.shutdown("stderr closed");
    },
  });

  const toolConfig = createToolConfig(toolSettings(options, env));
  const session = new Session({ ...sessionSettings(options), containment });
  const instructions = buildInstructions({ ...options, allowDirs: toolConfig.pathScope.allowDirs });
  const server = createSessionServer({ name: "boris", version, instructions }, session, toolConfig, {
    logger,
  });
  const maxLineBytes = maxMessageBytes(options.maxFileSize);
  const transport = new LineTransport(process.stdin, process.stdout, {
    maxLineBytes,
    tooLongMessage: (bytes) =>
      `Request too large: ${bytes} bytes is over the ${maxLineBytes}-byte limit of one message (twice --max-file-size ${formatSize(options.maxFileSize)}, plus 1 MiB). Send less content per call, or start boris with a larger --max-file-size.`,
    onTooLong: (bytes, id) => logger.warn({ bytes, limit: maxLineBytes, id }, "request too large"),
  });

  let stopWatching = () => {};
  // One client, one window: collect a search's garbage while the client thinks (see IdleCollector).
  const idle = new IdleCollector({
    ...DEFAULT_IDLE_COLLECTION,
    onCollected: (before, after, ms) =>
      logger.debug(
        { heapBytesBefore: before, heapBytesAfter: after, ms: Math.round(ms * 10) / 10 },
        "collected garbage while idle",
      ),
  });
  const life = new ServerLifecycle({
    logger,
    graceMs: session.graceMs,
    containment,
    killSessionsNow: () => session.killNow(),
    close: async () => {
      stopWatching();
      idle.stop();
      await session.close();
      await server.close().catch(() => {});
    },
  });

  lifecycle = life;
  server.onerror = (err) => logger.warn({ err }, "protocol error");
  server.onclose = () => void life.shutdown(transport.closeReason ?? "transport closed");
  stopWatching = watchParent(() => void life.shutdown("parent process gone"));

  await server.connect(transport);
  // One log line per tool call (no metrics endpoint on stdio).
  watchOperations(transport, { toolNames: toolNamesFor(toolConfig), logger, activity: idle });
  life.start("boris ready on stdio", {
    workdir: options.workdir,
    tools: toolNamesFor(toolConfig).join(","),
    ...containment.describe(),
    version,
  });
  return { session, shutdown: (reason) => life.shutdown(reason) };
}
