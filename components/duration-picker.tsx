"use client";

import { useId } from "react";
import type { DurationBoundsView } from "@/lib/access/group-by-account";
import { durationChoices } from "@/lib/aws/session-duration";
import { durationCapReason } from "./format-duration";

/**
 * A session-length select bounded by the role's bounds, with the reason for its maximum below it.
 * `value` null shows the role's default.
 */
export function DurationPicker({
  bounds,
  value,
  onChange,
  label = "Session length",
}: {
  bounds: DurationBoundsView;
  value: number | null;
  onChange: (seconds: number) => void;
  label?: string;
}) {
  const id = useId();
  const choices = durationChoices(bounds);
  const selected = value ?? bounds.defaultSeconds;
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      <select
        id={id}
        value={String(selected)}
        onChange={(e) => onChange(Number(e.target.value))}
        className="mt-1 w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900"
        data-testid="duration-select"
      >
        {choices.map((c) => (
          <option key={c.seconds} value={String(c.seconds)}>
            {c.label}
            {c.seconds === bounds.defaultSeconds ? " (default)" : ""}
          </option>
        ))}
      </select>
      <p className="mt-1 text-xs text-slate-500" data-testid="duration-cap">
        {durationCapReason(bounds)}
      </p>
    </div>
  );
}
