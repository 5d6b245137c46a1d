"use client";

/** The star that pins a role to Favorites (also `f` on the highlighted role). */
export function FavoriteStar({
  isFavorite,
  roleLabel,
  onToggle,
}: {
  isFavorite: boolean;
  roleLabel: string;
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      onClick={onToggle}
      aria-pressed={isFavorite}
      aria-label={
        isFavorite ? `Remove ${roleLabel} from favorites` : `Add ${roleLabel} to favorites`
      }
      title={isFavorite ? "Remove from favorites (f)" : "Add to favorites (f)"}
      className={`-ml-1 flex h-8 w-8 shrink-0 items-center justify-center rounded-md hover:bg-slate-100 ${
        isFavorite ? "text-amber-600" : "text-slate-500 hover:text-slate-700"
      }`}
      data-testid="favorite-star"
    >
      <svg viewBox="0 0 20 20" className="h-5 w-5" aria-hidden>
        <path
          d="M10 1.8l2.5 5.2 5.7.8-4.1 4 1 5.7L10 14.8l-5.1 2.7 1-5.7-4.1-4 5.7-.8L10 1.8z"
          fill={isFavorite ? "currentColor" : "none"}
          stroke="currentColor"
          strokeWidth="1.5"
          strokeLinejoin="round"
        />
      </svg>
    </button>
  );
}
