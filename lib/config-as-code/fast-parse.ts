import { FAILSAFE_SCHEMA, load, Type } from "js-yaml";

/**
 * Fast readers for the common case, which must give exactly the value the `yaml` package gives
 * (parse-text.ts): that package keeps every node's position, and reads 5.7 MB (5,000 accounts,
 * 50,000 rules) in ~2.5 s, where JSON.parse takes ~0.05 s and js-yaml ~0.2 s. Each returns
 * undefined whenever it cannot vouch for that, and the text is then read the exact way.
 */

/**
 * YAML 1.2 core scalars resolved as the `yaml` package resolves them (its schema/core/*.js): js-yaml's
 * own core schema also reads 0b101 and 1_000 as numbers, which the `yaml` package reads as text.
 */
const scalar = (tag: string, test: RegExp, construct: (text: string) => unknown) =>
  new Type(`tag:yaml.org,2002:${tag}`, {
    kind: "scalar",
    resolve: (text: string | null) => text !== null && test.test(text),
    construct,
  });

const CORE_SCALARS = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar("null", /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalar("bool", /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (t) => t[0] === "t" || t[0] === "T"),
    scalar("int", /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (t) =>
      t[1] === "o"
        ? parseInt(t.slice(2), 8)
        : t[1] === "x"
          ? parseInt(t.slice(2), 16)
          : parseInt(t, 10),
    ),
    scalar(
      "float",
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      (t) =>
        /nan$/i.test(t)
          ? NaN
          : /inf$/i.test(t)
            ? t[0] === "-"
              ? -Infinity
              : Infinity
            : parseFloat(t),
    ),
  ],
});

// One line of "plain" block YAML: nested maps and lists whose values are one-line scalars (plain,
// "double" or 'single' quoted) or [] / {}, with comments. No anchors, aliases, tags, directives,
// document markers, explicit or flow keys, flow collections, multi-line or block scalars, tabs,
// keys that read as null (the two packages name those differently) or empty list items (js-yaml
// puts what follows one into the wrong list). On such text js-yaml and the `yaml` package agree:
// tests/unit/config-as-code-fast-parse.test.ts checks it, on thousands of mutated files too.
// Export writes only such lines, and most hand-written files do too.
const PLAIN = String.raw`(?:[^\s\-?:,[\]{}#&*!|>'"%@\`]|-(?=\S))(?:[^\s:[\]{}]|:(?=\S)| +(?=[^\s#:]))*`;
const DOUBLE = String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
const SINGLE = String.raw`'(?:[^'\u0000-\u001f]|'')*'`;
const VALUE = String.raw`(?:${PLAIN}|${DOUBLE}|${SINGLE}|\[\]|\{\})`;
// Implicit keys are at most 1,024 characters (the `yaml` package refuses longer ones): a plain key
// ends at the first ": ", quoted keys are bounded by their repeat counts (an escape is ≤ 6 chars).
const KEY = [
  String.raw`(?!(?:~|null|Null|NULL):)(?=[^\n]{1,1024}:(?: |$))${PLAIN}`,
  String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})){0,170}"`,
  String.raw`'(?:[^'\u0000-\u001f]|''){0,500}'`,
].join("|");
const ENTRY = String.raw`(?:${KEY}):(?: +${VALUE})?`;
const PLAIN_LINE = new RegExp(
  String.raw`^ *(?:(?:- +)*${ENTRY}|(?:- +)+${VALUE})?(?:(?:^| +)#[^\u0000-\u0008\u000a-\u001f]*)? *$`,
);

function isPlainBlockYaml(text: string): boolean {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    // A CR is part of the line break only right before a LF (alone, it is a break of its own).
    const crlf = end < text.length && text.charCodeAt(end - 1) === 13;
    const line = text.slice(start, crlf ? end - 1 : end);
    if (!PLAIN_LINE.test(line)) return false;
    start = end + 1;
  }
  return true;
}

/** The value of a YAML text made only of plain lines (see PLAIN_LINE), or undefined. */
export function readPlainYaml(text: string): { value: unknown } | undefined {
  if (!isPlainBlockYaml(text)) return undefined;
  try {
    // js-yaml refuses a key written twice, as the `yaml` package does with uniqueKeys.
    const value: unknown = load(text, { schema: CORE_SCALARS });
    return value === undefined ? undefined : { value };
  } catch {
    return undefined; // let the `yaml` package say what is wrong, and where
  }
}

/**
 * Whether an object in this JSON text (already accepted by JSON.parse) names a key twice:
 * JSON.parse silently keeps the last one, where the `yaml` package refuses the file.
 */
export function hasDuplicateJsonKeys(text: string): boolean {
  const objects: Array<Set<string> | null> = []; // null: an array
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const keys = objects[objects.length - 1];
      if (expectKey && keys) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (keys.has(key)) return true;
        keys.add(key);
      }
      expectKey = false;
      i = end;
    } else if (c === "{") {
      objects.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      objects.push(null);
    } else if (c === "}" || c === "]") {
      objects.pop();
    } else if (c === ",") {
      expectKey = objects[objects.length - 1] instanceof Set;
    }
  }
  return false;
}
