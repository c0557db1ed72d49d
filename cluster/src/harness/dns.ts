// A DNS server on loopback (UDP) that answers A queries from a table the test edits: the cluster DNS
// of the Kubernetes example, where a pod's name exists while the pod is ready.
import { createSocket, type Socket } from "node:dgram";

export interface StubDns {
  /** `127.0.0.1:PORT`, for nginx's `resolver`. */
  readonly address: string;
  /** Sets the A records of `name` (none: the name does not exist). */
  set(name: string, ips: readonly string[]): void;
  /** Queries answered so far, by name. */
  readonly queries: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

const TYPE_A = 1;
const CLASS_IN = 1;

/** The name and type of the first question of a query, and where the question ends. */
function parseQuestion(query: Buffer): { name: string; type: number; end: number } | undefined {
  const labels: string[] = [];
  let at = 12;
  while (at < query.length) {
    const length = query[at]!;
    if (length === 0) {
      at++;
      break;
    }
    if (length > 63) return undefined; // no compression in questions
    labels.push(query.subarray(at + 1, at + 1 + length).toString("ascii"));
    at += 1 + length;
  }
  if (at + 4 > query.length) return undefined;
  return { name: labels.join(".").toLowerCase(), type: query.readUInt16BE(at), end: at + 4 };
}

function answer(query: Buffer, records: Map<string, readonly string[]>): Buffer | undefined {
  const question = parseQuestion(query);
  if (!question) return undefined;
  const ips = records.get(question.name);
  const answers = question.type === TYPE_A && ips ? ips : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  header.writeUInt16BE(0x8180 | (ips ? 0 : 3), 2); // response, recursion desired+available; NXDOMAIN
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const records_ = answers.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // the question's name
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(1, 6); // TTL: 1 s
    rr.writeUInt16BE(4, 10);
    ip.split(".").forEach((octet, i) => {
      rr[12 + i] = Number(octet);
    });
    return rr;
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...records_]);
}

export async function startStubDns(): Promise<StubDns> {
  const records = new Map<string, readonly string[]>();
  const queries = new Map<string, number>();
  const socket: Socket = createSocket("udp4");
  socket.on("message", (query, peer) => {
    const question = parseQuestion(query);
    if (question) queries.set(question.name, (queries.get(question.name) ?? 0) + 1);
    const reply = answer(query, records);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    set(name, ips) {
      if (ips.length === 0) records.delete(name.toLowerCase());
      else records.set(name.toLowerCase(), ips);
    },
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
