/**
 * A unified diff (`diff -u` style, three lines of context) of two texts, so `setup-profiles` can
 * show exactly what it will change in ~/.aws/config before it writes (docs/CLI.md "Profiles").
 */

type Op = { kind: " " | "-" | "+"; line: string };

const CONTEXT = 3;

/** The diff of `before` → `after`, or "" when they are equal. */
export function unifiedDiff(
  before: string,
  after: string,
  oldName: string,
  newName: string,
): string {
  if (before === after) return "";
  const a = splitKeepingEnds(before);
  const b = splitKeepingEnds(after);
  const ops = diffLines(a, b);
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let index = 0;
  while (index < ops.length) {
    // Find the next change, then grow a hunk around it until CONTEXT*2 unchanged lines separate it
    // from the following change.
    while (index < ops.length && ops[index]?.kind === " ") index += 1;
    if (index >= ops.length) break;
    const start = Math.max(0, index - CONTEXT);
    let end = index;
    let quiet = 0;
    while (end < ops.length && quiet <= CONTEXT * 2) {
      quiet = ops[end]?.kind === " " ? quiet + 1 : 0;
      end += 1;
    }
    end = Math.min(ops.length, end - Math.max(0, quiet - CONTEXT));
    const hunk = ops.slice(start, end);
    const before = ops.slice(0, start);
    const oldStart = before.filter((op) => op.kind !== "+").length + 1;
    const newStart = before.filter((op) => op.kind !== "-").length + 1;
    const oldCount = hunk.filter((op) => op.kind !== "+").length;
    const newCount = hunk.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const op of hunk) {
      out.push(`${op.kind}${op.line.replace(/\r?\n$/, "")}`);
      if (!op.line.endsWith("\n")) out.push("\\ No newline at end of file");
    }
    index = end;
  }
  return `${out.join("\n")}\n`;
}

function range(start: number, count: number): string {
  // diff -u names the line before an empty range.
  return count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;
}

function splitKeepingEnds(text: string): string[] {
  return text === "" ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
}

/** Myers' O((N+M)·D) shortest edit script, lines compared with their line ends. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  const max = a.length + b.length;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  search: for (let d = 0; d <= max; d += 1) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down =
        k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= a.length && y >= b.length) break search;
    }
  }
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const row = trace[d] as Int32Array;
    const k = x - y;
    const down =
      k === -d || (k !== d && (row[offset + k - 1] as number) < (row[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (row[offset + prevK] as number);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: " ", line: a[x - 1] as string });
      x -= 1;
      y -= 1;
    }
    if (d > 0) {
      if (x === prevX) {
        ops.push({ kind: "+", line: b[y - 1] as string });
        y -= 1;
      } else {
        ops.push({ kind: "-", line: a[x - 1] as string });
        x -= 1;
      }
    }
  }
  return ops.reverse();
}
