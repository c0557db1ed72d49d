/** A JSON-RPC request id: what an answer must carry for the client to match it. */
export type RequestId = string | number;

const SCALAR = /^(?:"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/;
const SPACE = /^\s*/;

function toId(token: string): RequestId | undefined {
  const value: unknown = JSON.parse(token);
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value))
    ? value
    : undefined;
}

/**
 * The `id` among the leading members of a JSON object whose text is cut off: members are read in
 * order while their values are scalars; the first object or array value (the big `params`) ends
 * the search.
 */
function idFromHead(head: string): RequestId | undefined {
  let rest = head.replace(SPACE, "");
  if (!rest.startsWith("{")) return undefined;
  rest = rest.slice(1);
  for (;;) {
    rest = rest.replace(SPACE, "");
    const key = SCALAR.exec(rest)?.[0];
    if (!key?.startsWith('"')) return undefined;
    rest = rest.slice(key.length).replace(SPACE, "");
    if (!rest.startsWith(":")) return undefined;
    rest = rest.slice(1).replace(SPACE, "");
    const value = SCALAR.exec(rest)?.[0];
    if (value === undefined) return undefined;
    if (JSON.parse(key) === "id") return toId(value);
    rest = rest.slice(value.length).replace(SPACE, "");
    if (!rest.startsWith(",")) return undefined;
    rest = rest.slice(1);
  }
}

/**
 * The `id` as the last member of the object (where JavaScript clients, the official SDK's
 * included, put it): in valid JSON, `"id": value` right before the final `}` is a member of the
 * outermost object.
 */
const TRAILING_ID = /[{,]\s*"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*\}\s*$/;

/**
 * The id of a JSON-RPC request of which only the first and last bytes are known (a line too long
 * to read), or undefined when neither end shows it (a notification has none).
 */
export function findRequestId(head: string, tail: string): RequestId | undefined {
  try {
    const fromHead = idFromHead(head);
    if (fromHead !== undefined) return fromHead;
    const match = TRAILING_ID.exec(tail);
    return match ? toId(match[1]!) : undefined;
  } catch {
    return undefined; // a cut escape sequence or the like: no id to trust
  }
}
