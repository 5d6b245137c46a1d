/** A piece of a contact text: plain words, or an address a person can click. */
export type ContactPart = { text: string } | { text: string; href: string };

// An email address, or an http(s) URL; trailing punctuation stays text ("… at ops@corp.example.").
const LINKABLE =
  /\b([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})\b|\bhttps?:\/\/[^\s<>"')]+[^\s<>"').,;:!?]/g;

/**
 * Splits GATEHOUSE_ACCESS_CONTACT into text and links: an email address becomes a mailto: link,
 * an http(s) URL a link; everything else stays text (never a javascript: or other scheme).
 */
export function contactParts(contact: string): ContactPart[] {
  const parts: ContactPart[] = [];
  let last = 0;
  for (const match of contact.matchAll(LINKABLE)) {
    const at = match.index;
    if (at > last) parts.push({ text: contact.slice(last, at) });
    const text = match[0];
    parts.push({ text, href: match[1] !== undefined ? `mailto:${text}` : text });
    last = at + text.length;
  }
  if (last < contact.length) parts.push({ text: contact.slice(last) });
  return parts;
}
