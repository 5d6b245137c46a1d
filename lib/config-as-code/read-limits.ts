import { getHeapStatistics } from "node:v8";
import { CST, isMap, isScalar, Lexer, visit, type Document } from "yaml";

/**
 * What it costs to read a file with positions, and the guards that keep one file from costing the
 * whole portal. The YAML parser builds a syntax tree and then a document of every value of the file
 * (JSON too: it is read as YAML, for the lines): up to ~0.9 KB of heap per value, measured with
 * lists of numbers (`[1,1,1,…]`), so a 2 MB file could exhaust a 1 GB heap and end the process —
 * for everyone. The values are counted first with the lexer, which keeps nothing.
 */

/** Heap one value may take while it is parsed and checked (measured worst ~0.9 KB, rounded up). */
const HEAP_BYTES_PER_VALUE = 1024;
/** Heap kept for everything else the process does meanwhile (idle: ~150 MB live). */
const HEAP_RESERVED_BYTES = 320 * 1024 * 1024;
/** Never refuse a small file, whatever the heap. */
const MIN_VALUES = 50_000;

/**
 * How many values this process can afford to read: ~720,000 under the default 1 GB heap
 * (GATEHOUSE_MAX_HEAP_MB), room for 5,000 accounts with 50,000 rules written as the export writes them.
 */
export function maxValuesForHeap(heapLimitBytes = getHeapStatistics().heap_size_limit): number {
  return Math.max(
    MIN_VALUES,
    Math.floor((heapLimitBytes - HEAP_RESERVED_BYTES) / HEAP_BYTES_PER_VALUE),
  );
}

/** Tokens that each become at least one node of the document (a value, an item or a pair). */
const VALUE_TOKENS = new Set<string>([
  "scalar",
  "single-quoted-scalar",
  "double-quoted-scalar",
  "block-scalar-header",
  "alias",
  "flow-map-start",
  "flow-seq-start",
  "seq-item-ind",
  "map-value-ind",
  "explicit-key-ind",
]);

/** Whether the text holds more than `limit` values; stops counting there. Linear, keeps nothing. */
export function holdsMoreValuesThan(text: string, limit: number): boolean {
  let count = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type !== null && VALUE_TOKENS.has(type) && ++count > limit) return true;
  }
  return false;
}

/**
 * Where a key is written a second time in its map: its offset in the text. The parser's own check
 * compares each key with every earlier key of its map, which for a map of 100,000 keys held the
 * process for minutes; this is one pass with a set per map.
 */
export function duplicateKeyOffsets(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        // Keys equal as the parser compares them: the same scalar value (so 1 and "1" differ).
        const value: unknown = pair.key.value;
        if (seen.has(value)) offsets.push(pair.key.range?.[0] ?? 0);
        else seen.add(value);
      }
    },
  });
  return offsets;
}
