// The no-access page's contact: an email address or an http(s) URL in GATEHOUSE_ACCESS_CONTACT is
// a link; nothing else is (no other scheme, trailing punctuation stays text).
import { describe, expect, it } from "vitest";
import { contactParts } from "@/components/contact-links";

describe("contactParts: an email or a URL in the access contact becomes a link", () => {
  it.each([
    ["the platform team", [{ text: "the platform team" }]],
    [
      "the platform team (platform@corp.example)",
      [
        { text: "the platform team (" },
        { text: "platform@corp.example", href: "mailto:platform@corp.example" },
        { text: ")" },
      ],
    ],
    [
      "https://wiki.corp.example/aws-access, or #cloud",
      [
        {
          text: "https://wiki.corp.example/aws-access",
          href: "https://wiki.corp.example/aws-access",
        },
        { text: ", or #cloud" },
      ],
    ],
    [
      "ops@corp.example.",
      [{ text: "ops@corp.example", href: "mailto:ops@corp.example" }, { text: "." }],
    ],
  ])("%j", (contact, parts) => {
    expect(contactParts(contact)).toEqual(parts);
  });

  it.each(["javascript:alert(1)", "ftp://files.corp.example", "data:text/html,hi"])(
    "%j is never a link",
    (contact) => {
      expect(contactParts(contact).every((p) => !("href" in p))).toBe(true);
    },
  );
});
