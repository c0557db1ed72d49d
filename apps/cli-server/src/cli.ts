import {
  buildInstructions,
  createLogger,
  type Logger,
  readCommandLine,
  readPackageVersion,
  sessionSettings,
} from "@boris-mcp/config";
import { killProcessesOfThisServer, Session, sweepOrphanedProcesses } from "@boris-mcp/session";
import { registerTools, toolsFor } from "@boris-mcp/tools";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { watchParent } from "./parent-watch.js";
import { buildToolConfig } from "./tool-config.js";

export interface StdioServerHandle {
  readonly session: Session;
  /** Closes the session (every process it started is gone), then the server. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

/**
 * `boris`: one Session and one MCP server over stdin/stdout. The session is closed before the process
 * exits when stdin ends, on SIGINT/SIGTERM/SIGHUP, when stdout or stderr breaks, and when the parent
 * process disappears. Stdout carries nothing but the protocol.
 */
export async function runStdio(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<StdioServerHandle | undefined> {
  const version = readPackageVersion(import.meta.url);
  const options = readCommandLine({ program: "boris", argv, env, version });
  if (!options) return undefined;

  let shutdown: (reason: string, code?: number) => Promise<void> = async () => {};
  const logger: Logger = createLogger({
    name: "boris",
    level: options.logLevel,
    format: options.logFormat,
    // The reader of stderr is gone (EPIPE): so is the client. Other failures just stop the logging.
    onBroken: (err) => {
      if (err.code === "EPIPE") void shutdown("stderr closed");
    },
  });

  const toolConfig = buildToolConfig(options, env);
  const instructions = buildInstructions({ ...options, allowDirs: toolConfig.pathScope.allowDirs });
  const session = new Session(sessionSettings(options));
  const server = new McpServer({ name: "boris", version }, { instructions });
  server.server.onerror = (err) => logger.warn({ err }, "protocol error");
  registerTools(server, session, toolConfig);

  let done: Promise<void> | undefined;
  let stopWatching = () => {};
  shutdown = (reason, code = 0) => {
    if (!done) {
      logger.info({ reason }, "shutting down");
      stopWatching();
      // close() is bounded (grace, then SIGKILL); should it still overrun, leave nothing behind.
      setTimeout(() => {
        killProcessesOfThisServer();
        process.exit(code || 1);
      }, session.graceMs + 3000).unref();
      done = (async () => {
        try {
          await session.close();
        } catch (err) {
          logger.error({ err }, "closing the session failed");
        }
        await server.close().catch(() => {});
        process.exit(code);
      })();
    }
    return done;
  };

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => void shutdown(signal));
  }
  process.stdin.on("end", () => void shutdown("stdin ended"));
  process.stdin.on("close", () => void shutdown("stdin closed"));
  // EPIPE and friends: the client is gone; without a listener this would crash without cleanup.
  process.stdout.on("error", (err) => void shutdown(`stdout failed: ${(err as NodeJS.ErrnoException).code}`));
  process.on("uncaughtException", (err) => {
    logger.fatal({ err }, "unexpected error");
    void shutdown("unexpected error", 1);
  });
  process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled rejection"));
  stopWatching = watchParent(() => void shutdown("parent process gone"));

  await server.connect(new StdioServerTransport());
  // Processes a crashed (SIGKILLed) server could not clean up: their marker names a server that is gone.
  setImmediate(() => {
    void sweepOrphanedProcesses().then(
      (killed) => {
        if (killed > 0)
          logger.warn({ killed }, `killed ${killed} processes left by servers that no longer exist`);
      },
      (err) => logger.warn({ err }, "sweeping processes of dead servers failed"),
    );
  });
  logger.info(
    {
      workdir: options.workdir,
      tools: toolsFor(toolConfig)
        .map((t) => t.name)
        .join(","),
      version,
    },
    "boris ready on stdio",
  );
  return { session, shutdown };
}
