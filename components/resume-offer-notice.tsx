"use client";

import type { ResumeChoice } from "./resume-offer";

/** "Ready to continue": the CLI credentials or console asked for before the trip, one click away. */
export function ResumeOfferNotice({
  choice,
  onContinue,
  onDismiss,
}: {
  choice: ResumeChoice;
  onContinue: () => void;
  onDismiss: () => void;
}) {
  const { row, kind } = choice;
  return (
    <div
      role="status"
      className="mt-4 flex flex-wrap items-center gap-3 rounded-md border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900"
      data-testid="resume-offer"
    >
      <span>
        Ready to continue: {kind === "console" ? "AWS console" : "CLI credentials"} for{" "}
        <strong>
          {row.account.name} / {row.role.roleName}
        </strong>
        .
      </span>
      <button
        type="button"
        onClick={onContinue}
        className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500"
      >
        {kind === "console" ? "Open console" : "Get CLI credentials"}
      </button>
      <button
        type="button"
        onClick={onDismiss}
        className="rounded-md border border-indigo-300 px-3 py-1.5 text-indigo-900 hover:bg-indigo-100"
      >
        Dismiss
      </button>
    </div>
  );
}
