import { randomBytes } from "node:crypto";
import {
  type BorisOptions,
  buildInstructions,
  containmentSettings,
  createLogger,
  EXIT_USAGE,
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
  DEFAULT_GRACE_MS,
  openContainment,
  ServerLifecycle,
} from "@boris-mcp/session";
import { createToolConfig, TOOL_NAMES, toolNamesFor } from "@boris-mcp/tools";
import { createHttpApp, type HttpApp, MCP_PATH } from "./app.js";
import { isLoopbackAddress } from "./http/guards.js";
import { listenErrorMessage } from "./http/listen-error.js";
import { createMetrics, metricsSources } from "./metrics/index.js";

/** `http://HOST:PORT/mcp` with IPv6 hosts in brackets. */
export function endpointUrl(host: string, port: number): string {
  const h = host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}${MCP_PATH}`;
}

/** A random token as --generate-token prints it: 32 bytes, hex. */
function generateToken(): string {
  return randomBytes(32).toString("hex");
}

export type TokenChoice =
  | { readonly token: string; readonly generated: boolean }
  | { readonly token: undefined; readonly generated: false };

/**
 * The bearer token the server requires: --token, or a generated one for --generate-token and for
 * a non-loopback --host (a shell must not be exposed to the network by accident), unless the
 * operator passed --allow-unauthenticated. None on loopback without a token option.
 */
export function chooseToken(
  options: Pick<BorisOptions, "token" | "generateToken" | "host" | "allowUnauthenticated">,
  generate: () => string = generateToken,
): TokenChoice {
  if (options.token !== undefined) return { token: options.token, generated: false };
  if (options.generateToken || (!isLoopbackAddress(options.host) && !options.allowUnauthenticated)) {
    return { token: generate(), generated: true };
  }
  return { token: undefined, generated: false };
}

function writeStderr(line: string): void {
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // stderr gone: nothing to tell anyone
  }
}

/**
 * `boris-http`: parses the options, serves MCP over streamable HTTP, and on SIGINT/SIGTERM/SIGHUP
 * closes every session in parallel and exits within the kill grace plus a second (a second signal
 * kills everything at once).
 */
export async function runHttp(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<HttpApp | undefined> {
  const version = readPackageVersion(import.meta.url);
  const options = readCommandLine({ program: "boris-http", argv, env, version, toolNames: TOOL_NAMES });
  if (!options) return undefined;
  let containment: Containment;
  try {
    // Many sessions share this event loop: their spare processes are made by a helper process.
    containment = openContainment({ ...containmentSettings(options), spawnHelper: true });
  } catch (err) {
    if (!(err instanceof ContainmentError)) throw err;
    writeStderr(unenforceableLimitMessage("boris-http", options, err.limit, err.message));
    process.exitCode = EXIT_USAGE;
    return undefined;
  }

  process.stderr.on("error", () => {}); // a closed stderr must not take the server down
  const logger = createLogger({ name: "boris-http", level: options.logLevel, format: options.logFormat });
  const { token, generated } = chooseToken(options);
  const instanceId = options.instanceId ?? randomBytes(4).toString("hex");
  // Commands inherit the server's environment: `echo $BORIS_INSTANCE_ID` tells which instance runs
  // them, behind a balancer too, whether the id came from the flag, the variable or chance.
  process.env.BORIS_INSTANCE_ID = instanceId;
  const toolConfig = createToolConfig(toolSettings(options, env));
  const metrics = createMetrics(
    { version, instanceId },
    metricsSources(() => app.sessions, toolConfig),
    (err) => logger.error({ err }, "loading the metrics failed: /metrics answers 500"),
  );
  const onKilled = metrics.killed.bind(metrics);
  const sessionOptions = { ...sessionSettings(options), containment, onKilled };
  const app = createHttpApp({
    version,
    instanceId,
    instructions: buildInstructions({ ...options, allowDirs: toolConfig.pathScope.allowDirs }),
    toolConfig,
    sessionOptions,
    containment: containment.kind,
    idleTimeoutMs: Math.round(options.sessionIdleTimeoutSeconds * 1000),
    orphanTimeoutMs: Math.round(options.sessionOrphanTimeoutSeconds * 1000),
    keepAliveMs: Math.round(options.sseKeepaliveSeconds * 1000),
    resumeWindowMs: Math.round(options.resumeWindowSeconds * 1000),
    jsonWindowMs: Math.round(options.jsonResponseWindowSeconds * 1000),
    maxSessions: options.maxSessions,
    logger,
    host: options.host,
    port: options.port,
    token,
    allowOrigins: options.allowOrigins,
    maxBodyBytes: maxMessageBytes(options.maxFileSize),
    metrics,
    traceRequests: options.logLevel === "debug",
  });

  let address: Awaited<ReturnType<HttpApp["listen"]>>;
  try {
    address = await app.listen();
  } catch (err) {
    writeStderr(listenErrorMessage(options.host, options.port, err as NodeJS.ErrnoException));
    process.exitCode = 1;
    return undefined;
  }

  const lifecycle = new ServerLifecycle({
    logger,
    graceMs: DEFAULT_GRACE_MS,
    containment,
    onKilled,
    killSessionsNow: () => app.sessions.registry.killAllNow(),
    close: () => app.shutdown(),
  });
  if (generated) writeStderr(`bearer token: ${token}`);
  if (!isLoopbackAddress(options.host)) {
    if (token === undefined) {
      logger.warn(
        { host: options.host },
        "serving a non-loopback address without a token (--allow-unauthenticated)",
      );
    } else if (!options.generateToken && options.token === undefined) {
      logger.warn(
        { host: options.host },
        "bound to a non-loopback address without --token: generated one (printed above as 'bearer token: …'); pass --token to choose it, or --allow-unauthenticated to serve without",
      );
    }
  }
  const endpoint = endpointUrl(options.host, address.port);
  writeStderr(`boris-http listening on ${endpoint}`);
  lifecycle.start("boris-http ready", {
    endpoint,
    instance: instanceId,
    workdir: options.workdir,
    tools: toolNamesFor(toolConfig).join(","),
    auth: token !== undefined,
    ...containment.describe(),
    version,
  });
  return app;
}
