/** One sample of a Prometheus text exposition. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of an exposition (comments and blank lines skipped). */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? "").matchAll(LABEL)) labels[key!] = JSON.parse(`"${value}"`);
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/**
 * The value of the one sample named `name` whose labels are exactly `labels`; undefined when there
 * is none.
 */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels);
  const found = parseSamples(text).filter(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === wanted.length &&
      wanted.every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** GET `<base>/metrics`, with the bearer token when given. */
export async function scrape(base: string, token?: string): Promise<Response> {
  return fetch(`${base}/metrics`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
}

/** The exposition of `<base>/metrics`; throws unless it answers 200. */
export async function scrapeText(base: string, token?: string): Promise<string> {
  const res = await scrape(base, token);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${body}`);
  return body;
}

/** The labels of one operation series: a method, its tool ("" but for tools/call), its error type. */
export function operationLabels(method: string, tool = "", errorType = "") {
  return { mcp_method_name: method, gen_ai_tool_name: tool, error_type: errorType };
}
