import { randomBytes } from "node:crypto";
import {
  buildInstructions,
  createLogger,
  readCommandLine,
  readPackageVersion,
  sessionSettings,
} from "@boris-mcp/config";
import { DEFAULT_GRACE_MS, killProcessesOfThisServer, sweepOrphanedProcesses } from "@boris-mcp/session";
import { toolsFor } from "@boris-mcp/tools";
import { createHttpApp, type HttpApp, MCP_PATH } from "./app.js";
import { buildToolConfig } from "./tool-config.js";

/** Body limit: a file of --max-file-size escaped into JSON (quotes, backslashes, newlines double) plus the envelope. */
export function maxBodyBytes(maxFileSize: number): number {
  return maxFileSize * 2 + 1024 * 1024;
}

/** `http://HOST:PORT/mcp` with IPv6 hosts in brackets. */
export function endpointUrl(host: string, port: number): string {
  const h = host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}${MCP_PATH}`;
}

function writeStderr(line: string): void {
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // stderr gone: nothing to tell anyone
  }
}

/**
 * `boris-http`: parses the options, serves MCP over streamable HTTP, and on SIGINT/SIGTERM stops
 * accepting, closes every session in parallel and exits within the kill grace plus a second.
 */
export async function runHttp(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<HttpApp | undefined> {
  const version = readPackageVersion(import.meta.url);
  const options = readCommandLine({ program: "boris-http", argv, env, version });
  if (!options) return undefined;

  process.stderr.on("error", () => {}); // a closed stderr must not take the server down
  const logger = createLogger({ name: "boris-http", level: options.logLevel, format: options.logFormat });
  const token = options.generateToken ? randomBytes(32).toString("hex") : options.token;
  const toolConfig = buildToolConfig(options, env);
  const sessionOptions = sessionSettings(options);
  const app = createHttpApp({
    version,
    instructions: buildInstructions({ ...options, allowDirs: toolConfig.pathScope.allowDirs }),
    toolConfig,
    sessionOptions,
    idleTimeoutMs: Math.round(options.sessionIdleTimeoutSeconds * 1000),
    maxSessions: options.maxSessions,
    logger,
    host: options.host,
    port: options.port,
    token,
    allowOrigins: options.allowOrigins,
    maxBodyBytes: maxBodyBytes(options.maxFileSize),
  });

  let address: Awaited<ReturnType<HttpApp["listen"]>>;
  try {
    address = await app.listen();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    writeStderr(`boris-http: cannot listen on ${options.host}:${options.port}: ${e.code ?? e.message}`);
    process.exitCode = 1;
    return undefined;
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, sessions: app.sessions.openCount }, "shutting down");
    // Sessions finish within the kill grace (TERM → grace → KILL); never hang past it.
    setTimeout(() => {
      // The orderly close overran its deadline: leave nothing behind all the same.
      killProcessesOfThisServer();
      process.exit(1);
    }, DEFAULT_GRACE_MS + 900).unref();
    app.shutdown().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("uncaughtException", (err) => {
    logger.fatal({ err }, "unexpected error");
    stop("uncaughtException");
  });
  process.on("unhandledRejection", (err) => logger.error({ err }, "unhandled rejection"));

  if (options.generateToken) writeStderr(`bearer token: ${token}`);
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
  writeStderr(`boris-http listening on ${endpointUrl(options.host, address.port)}`);
  logger.info(
    {
      workdir: options.workdir,
      tools: toolsFor(toolConfig)
        .map((t) => t.name)
        .join(","),
      auth: token !== undefined,
      version,
    },
    "ready",
  );
  return app;
}
