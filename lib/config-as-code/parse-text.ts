import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Pair,
  type YAMLMap,
} from "yaml";
import type { DocPath, ImportProblem } from "./document";
import { duplicateKeyOffsets, holdsMoreValuesThan, maxValuesForHeap } from "./read-limits";

export type ConfigFormat = "yaml" | "json";

/** A parsed file: its plain value, and where in the text each part of it was written. */
export interface ParsedText {
  format: ConfigFormat;
  value: unknown;
  /** The 1-based line of the node at `path`, or of its nearest enclosing node; null if unknown. */
  lineOf(path: DocPath): number | null;
}

/** The most a file may nest aliases (YAML "billion laughs" guard). */
const MAX_ALIAS_COUNT = 100;

/** JSON when the first meaningful character opens an object; YAML otherwise (JSON is YAML too). */
export function detectFormat(text: string): ConfigFormat {
  return /^\s*[{[]/.test(text.replace(/^\uFEFF/, "")) ? "json" : "yaml";
}

/**
 * Binary data read as text: a NUL, or many control characters. A YAML parser would read it as one
 * string and name the wrong problem.
 */
function looksBinary(text: string): boolean {
  if (text.includes("\u0000")) return true;
  const sample = text.slice(0, 4096);
  const controls = sample.match(/[\u0001-\u0008\u000E-\u001F\u007F]/g)?.length ?? 0;
  return controls > sample.length / 100;
}

/**
 * The first line holding U+FFFD, which a decoder (the browser's, or the server's for the request)
 * puts for bytes that are not UTF-8: a file saved as Latin-1 or Windows-1252 with an accented
 * letter. The bytes themselves are gone, so the file must be saved again, not guessed at.
 */
function firstNonUtf8Line(text: string): number | null {
  const at = text.indexOf("\uFFFD");
  return at < 0 ? null : placeAt(text, at).line;
}

/** A parser's own words, but for the engine's stack overflow, which says nothing of the file. */
function readable(message: string): string {
  return /Maximum call stack size exceeded/.test(message)
    ? "it nests lists or maps too deeply to read."
    : message;
}

/** Where a syntax error is: its line, and its column (from 1) as the words the message carries. */
interface Place {
  line: number | null;
  column: string;
}

function placeAt(text: string, offset: number): Place {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1)
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  return { line, column: ` at column ${offset - lineStart + 1}` };
}

/**
 * Reads a YAML or JSON file. Both go through the YAML parser, which keeps every node's position
 * (JSON is valid YAML 1.2): that is how each problem gets its line, and how a key written twice is
 * refused instead of silently keeping the last one (what JSON.parse would do).
 */
export function parseConfigText(
  rawText: string,
  format: ConfigFormat = detectFormat(rawText),
): { ok: true; parsed: ParsedText } | { ok: false; problems: ImportProblem[] } {
  const text = rawText.replace(/^\uFEFF/, "");
  if (text.trim() === "")
    return {
      ok: false,
      problems: [{ path: "(document)", line: null, message: "The file is empty." }],
    };
  if (looksBinary(text))
    return {
      ok: false,
      problems: [
        {
          path: "(document)",
          line: null,
          message:
            "This is not a YAML or JSON file (it holds binary data). Export the configuration from this page to start from a valid file.",
        },
      ],
    };
  const notUtf8 = firstNonUtf8Line(text);
  if (notUtf8 !== null)
    return {
      ok: false,
      problems: [
        {
          path: "(document)",
          line: notUtf8,
          message: `Line ${notUtf8} is not UTF-8 text: it holds bytes no UTF-8 character has (an accented letter saved as Latin-1 or Windows-1252, say). Save the file as UTF-8 and import it again.`,
        },
      ],
    };
  const maxValues = maxValuesForHeap();
  if (holdsMoreValuesThan(text, maxValues))
    return {
      ok: false,
      problems: [
        {
          path: "(document)",
          line: null,
          message: `This file holds more than ${maxValues.toLocaleString("en-US")} values (keys, values and list items), and this portal reads at most ${maxValues.toLocaleString("en-US")} at once with its memory limit (GATEHOUSE_MAX_HEAP_MB). Nothing was read; raise the limit to import a configuration this large.`,
        },
      ],
    };
  if (format === "json") {
    try {
      JSON.parse(text);
    } catch (error) {
      const message = readable(error instanceof Error ? error.message : "not JSON");
      const position = /position (\d+)/.exec(message)?.[1];
      // Older engines give no position: the YAML parser (JSON is YAML) usually finds the place.
      const place =
        position === undefined ? firstErrorPlace(text) : placeAt(text, Number(position));
      return {
        ok: false,
        problems: [
          {
            path: "(document)",
            line: place.line,
            message: `Not valid JSON${place.column}: ${message}`,
          },
        ],
      };
    }
  }
  const lineCounter = new LineCounter();
  // Keys written twice are found by duplicateKeyOffsets, in one pass (the parser's is quadratic).
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const syntaxError = (offset: number, message: string): ImportProblem => {
    const place = placeAt(text, offset);
    return {
      path: "(document)",
      line: place.line,
      message: `Not valid ${format === "json" ? "JSON" : "YAML"}${place.column}: ${readable(message)}`,
    };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => syntaxError(e.pos[0], e.message.split("\n")[0] ?? e.code)),
    };
  }
  let value: unknown;
  try {
    const duplicates = duplicateKeyOffsets(doc);
    if (duplicates.length > 0)
      return {
        ok: false,
        problems: duplicates.map((offset) => syntaxError(offset, "Map keys must be unique")),
      };
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return {
      ok: false,
      problems: [
        {
          path: "(document)",
          line: null,
          message: `The file could not be read: ${readable(error instanceof Error ? error.message : "unknown")}`,
        },
      ],
    };
  }
  const keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
  return {
    ok: true,
    parsed: { format, value, lineOf: (path) => lineOfPath(doc, lineCounter, keyIndex, path) },
  };
}

function firstErrorPlace(text: string): Place {
  const error = parseDocument(text).errors[0];
  return error ? placeAt(text, error.pos[0]) : { line: null, column: "" };
}

/**
 * A map's pairs by key, built once per map: a file with an unknown field in each of 100,000 keys
 * asks for 100,000 lines, and a search through the map for each would be quadratic.
 */
function pairOf(index: WeakMap<YAMLMap, Map<string, Pair>>, map: YAMLMap, key: string) {
  let pairs = index.get(map);
  if (!pairs) {
    pairs = new Map();
    for (const p of map.items)
      if (isScalar(p.key) && !pairs.has(String(p.key.value))) pairs.set(String(p.key.value), p);
    index.set(map, pairs);
  }
  return pairs.get(key);
}

function lineOfPath(
  doc: Document,
  lines: LineCounter,
  keyIndex: WeakMap<YAMLMap, Map<string, Pair>>,
  path: DocPath,
): number | null {
  let node: unknown = doc.contents;
  let line: number | null = startLine(node, lines);
  for (const part of path) {
    if (isSeq(node) && typeof part === "number") {
      node = node.items[part];
      line = startLine(node, lines) ?? line;
    } else if (isMap(node)) {
      const pair = pairOf(keyIndex, node, String(part));
      if (!pair) return line;
      // A field is reported on the line of its key (the value may start on the next line).
      line = startLine(pair.key, lines) ?? line;
      node = pair.value;
    } else {
      return line;
    }
  }
  return line;
}

function startLine(node: unknown, lines: LineCounter): number | null {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? lines.linePos(range[0]).line : null;
}
