export type EnvironmentTone = "production" | "staging" | "development" | "other";

const TONES: Record<string, EnvironmentTone> = {
  prod: "production",
  production: "production",
  prd: "production",
  live: "production",
  staging: "staging",
  stage: "staging",
  stg: "staging",
  preprod: "staging",
  uat: "staging",
  dev: "development",
  development: "development",
  sandbox: "development",
  test: "development",
  testing: "development",
  qa: "development",
};

/** Production stands out in red, staging in amber, development-like labels in green. */
export function environmentTone(environment: string): EnvironmentTone {
  return TONES[environment.trim().toLowerCase()] ?? "other";
}

const STYLES: Record<EnvironmentTone, string> = {
  production: "bg-red-50 text-red-700 ring-red-600/30",
  staging: "bg-amber-50 text-amber-800 ring-amber-600/30",
  development: "bg-emerald-50 text-emerald-700 ring-emerald-600/25",
  other: "bg-slate-100 text-slate-700 ring-slate-500/20",
};

export function EnvironmentBadge({ environment }: { environment: string }) {
  const tone = environmentTone(environment);
  return (
    <span
      className={`inline-flex shrink-0 items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[tone]}`}
      data-testid="environment"
      data-tone={tone}
    >
      {environment}
    </span>
  );
}
