const STYLES: Record<string, string> = {
  prod: "bg-red-50 text-red-700 ring-red-600/20",
  production: "bg-red-50 text-red-700 ring-red-600/20",
  staging: "bg-amber-50 text-amber-800 ring-amber-600/20",
  dev: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  sandbox: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
};

export function EnvironmentBadge({ environment }: { environment: string }) {
  const style =
    STYLES[environment.toLowerCase()] ?? "bg-slate-100 text-slate-700 ring-slate-500/20";
  return (
    <span
      className={`inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${style}`}
    >
      {environment}
    </span>
  );
}
