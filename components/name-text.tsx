import { Fragment } from "react";

/**
 * Where an IAM-style name may wrap: after its separators (`_ - . + = , @ /`) and between its
 * words as CamelCase spells them ("Federated|Read|Only", "AWS|Reserved|SSO_|Admin").
 */
export function nameSegments(name: string): string[] {
  return name.split(/(?<=[_\-.+=,@/])|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/);
}

/**
 * A name that, where its box lets it wrap, wraps between its words rather than mid-word; a word
 * too long for the box still wraps where the box's own `overflow-wrap` allows.
 */
export function NameText({ name }: { name: string }) {
  const parts = nameSegments(name);
  return parts.map((part, i) => (
    <Fragment key={i}>
      {part}
      {i < parts.length - 1 && <wbr />}
    </Fragment>
  ));
}
