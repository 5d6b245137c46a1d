/**
 * Escapes text for an HTML or XML element or a quoted attribute (`'` as `&#39;`, which both
 * languages read). Not for JavaScript, CSS or URLs.
 */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => MARKUP_ESCAPES[c]!);
}

const MARKUP_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
