// A strict reader of the Prometheus text exposition format 0.0.4, as a scraper holds the portal's
// /api/metrics to it: every line well formed, label values escaped, each family announced by HELP
// and TYPE before its samples and not split, no series twice, counters named *_total, histograms
// with cumulative buckets ending in le="+Inf" equal to their _count. It throws naming the line.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Record<string, string[]> = {
  counter: [""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const families = new Map<string, Family>();
  const series = new Set<string>();
  let current: Family | null = null;
  const family = (name: string, lineNo: number): Family => {
    let found = families.get(name);
    if (!found) {
      found = { name, help: "", type: "untyped", samples: [] };
      families.set(name, found);
    } else if (found !== current && found.samples.length > 0)
      throw new Error(`line ${lineNo}: family ${name} is split by another family`);
    current = found;
    return found;
  };
  text
    .slice(0, -1)
    .split("\n")
    .forEach((line, index) => {
      const lineNo = index + 1;
      if (line.trim() === "") return;
      const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (meta) {
        const [, kind, name, rest] = meta as unknown as [string, string, string, string];
        if (!METRIC_NAME.test(name)) throw new Error(`line ${lineNo}: bad metric name ${name}`);
        const f = family(name, lineNo);
        if (kind === "HELP") {
          if (f.help) throw new Error(`line ${lineNo}: second HELP for ${name}`);
          f.help = unescape(rest, /\\[\\n]/g, lineNo);
        } else {
          if (!TYPES.has(rest)) throw new Error(`line ${lineNo}: unknown TYPE ${rest}`);
          if (f.samples.length > 0) throw new Error(`line ${lineNo}: TYPE after samples`);
          f.type = rest as Family["type"];
        }
        return;
      }
      if (line.startsWith("#")) return;
      const sample = parseSample(line, lineNo);
      const owner = [...families.values()].find(
        (f) => f.type !== "untyped" && SUFFIXES[f.type]!.some((s) => f.name + s === sample.name),
      );
      if (!owner) throw new Error(`line ${lineNo}: sample ${sample.name} has no HELP and TYPE`);
      if (owner !== current) family(owner.name, lineNo);
      const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
      if (series.has(key)) throw new Error(`line ${lineNo}: series ${key} appears twice`);
      series.add(key);
      owner.samples.push(sample);
    });
  for (const f of families.values()) checkFamily(f);
  return families;
}

function parseSample(line: string, lineNo: number): Sample {
  const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?/.exec(line);
  if (!head) throw new Error(`line ${lineNo}: not a sample: ${line}`);
  const name = head[1]!;
  let rest = line.slice(head[0].length);
  const labels: Record<string, string> = {};
  if (head[2]) {
    for (;;) {
      if (rest.startsWith("}")) break;
      const pair = /^([^=]+)="((?:[^"\\\n]|\\.)*)"(,?)/.exec(rest);
      if (!pair || !LABEL_NAME.test(pair[1]!))
        throw new Error(`line ${lineNo}: bad label in ${line}`);
      if (pair[1]! in labels) throw new Error(`line ${lineNo}: label ${pair[1]} twice`);
      labels[pair[1]!] = unescape(pair[2]!, /\\[\\"n]/g, lineNo);
      rest = rest.slice(pair[0].length);
      if (!pair[3] && !rest.startsWith("}"))
        throw new Error(`line ${lineNo}: labels not separated: ${line}`);
    }
    rest = rest.slice(1);
  }
  const value = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (!value) throw new Error(`line ${lineNo}: bad value in ${line}`);
  return { name, labels, value: parseValue(value[1]!, lineNo) };
}

function parseValue(text: string, lineNo: number): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    throw new Error(`line ${lineNo}: bad number ${text}`);
  return Number(text);
}

/** Only the escapes the format defines; any other backslash is an error. */
function unescape(text: string, allowed: RegExp, lineNo: number): string {
  if (text.replace(allowed, "").includes("\\"))
    throw new Error(`line ${lineNo}: bad escape in ${text}`);
  return text.replace(allowed, (e) => (e === "\\n" ? "\n" : e[1]!));
}

function checkFamily(f: Family): void {
  if (!f.help) throw new Error(`${f.name} has no HELP`);
  if (f.type === "untyped") throw new Error(`${f.name} has no TYPE`);
  if (f.type === "counter") {
    if (!f.name.endsWith("_total")) throw new Error(`counter ${f.name} is not named *_total`);
    for (const s of f.samples)
      if (!(s.value >= 0)) throw new Error(`counter ${f.name} has value ${s.value}`);
  }
  if (f.type === "histogram") checkHistogram(f);
}

function checkHistogram(f: Family): void {
  const groups = new Map<
    string,
    { buckets: Array<[number, number]>; sum?: number; count?: number }
  >();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const g = groups.get(key) ?? { buckets: [] };
    groups.set(key, g);
    if (s.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${s.name} without le`);
      g.buckets.push([parseValue(le, 0), s.value]);
    } else if (le !== undefined) throw new Error(`${s.name} with le`);
    else if (s.name.endsWith("_sum")) g.sum = s.value;
    else g.count = s.value;
  }
  for (const [key, g] of groups) {
    const where = `${f.name}${key}`;
    if (g.sum === undefined || g.count === undefined)
      throw new Error(`${where}: no _sum or _count`);
    const last = g.buckets.at(-1);
    if (!last || last[0] !== Infinity) throw new Error(`${where}: no le="+Inf" bucket last`);
    if (last[1] !== g.count)
      throw new Error(`${where}: +Inf bucket ${last[1]} ≠ _count ${g.count}`);
    g.buckets.forEach(([le, n], i) => {
      const prev = g.buckets[i - 1];
      if (prev && (le <= prev[0] || n < prev[1]))
        throw new Error(`${where}: buckets not ascending and cumulative at le=${le}`);
    });
  }
}
