import { Fragment } from "react";

/**
 * An ARN that wraps after its ":" and "/" separators — "…:role/" then "Administrator" — rather
 * than in the middle of a name; a single segment too long for its column still wraps anywhere.
 */
export function ArnText({ arn }: { arn: string }) {
  const parts = arn.split(/(?<=[:/])/);
  return (
    <span className="wrap-anywhere">
      {parts.map((part, i) => (
        <Fragment key={i}>
          {part}
          {i < parts.length - 1 && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}
