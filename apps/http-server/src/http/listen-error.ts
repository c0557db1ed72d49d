/** What to tell the operator when the server cannot listen on `host:port`. */
export function listenErrorMessage(host: string, port: number, err: NodeJS.ErrnoException): string {
  const where = `boris-http: cannot listen on ${host}:${port}`;
  switch (err.code) {
    case "EADDRINUSE":
      return `${where}: another process holds the port (EADDRINUSE). Stop it, or pick another port with --port <n> (--port 0 takes any free port).`;
    case "EACCES":
      return `${where}: not allowed to bind this port (EACCES; ports below 1024 need privileges). Pick another port with --port <n>.`;
    case "EADDRNOTAVAIL":
      return `${where}: no network interface of this machine has that address (EADDRNOTAVAIL). Check --host (127.0.0.1, or 0.0.0.0 for every interface).`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `${where}: the host name does not resolve (${err.code}). Check --host.`;
    default:
      return `${where}: ${err.code ?? err.message}`;
  }
}
