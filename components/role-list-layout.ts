import type { AccountView, RoleView } from "@/lib/access/group-by-account";
import type { AccountMatch } from "@/lib/access/role-search";

// Fixed heights (px) make the windowed list exact without measuring: each row renders at exactly
// this height (text is truncated to one line, errors show in a toast, not under the row).
export const ROW_HEIGHT = 60;
export const CARD_HEADER_HEIGHT = 52;
export const SECTION_HEIGHT = 40;
export const CARD_GAP = 12;
/** The card's top and bottom border. */
const CARD_BORDERS = 2;

export type RowContext = "favorite" | "recent" | "account";

export interface LayoutRow {
  /** Unique in the layout: a role can appear as a favorite, a recent and in its account. */
  key: string;
  context: RowContext;
  role: RoleView;
  account: AccountView;
  /** Offset of the row's top from the list's top. */
  top: number;
}

export type Block =
  | { kind: "section"; key: string; title: string; top: number; height: number }
  | {
      kind: "card";
      key: string;
      context: RowContext;
      /** The account whose header the card shows (account cards only). */
      account: AccountView | null;
      rows: LayoutRow[];
      top: number;
      height: number;
      /** Offset of the first row within the card. */
      rowsTop: number;
    };

export interface Layout {
  blocks: Block[];
  /** Every row in display order: what ArrowUp/ArrowDown walk through. */
  rows: LayoutRow[];
  height: number;
}

export interface LayoutInput {
  favorites: ReadonlyArray<{ account: AccountView; role: RoleView }>;
  recents: ReadonlyArray<{ account: AccountView; role: RoleView }>;
  matches: readonly AccountMatch[];
}

/** Lays out the sections and cards top to bottom. Pure: the same input gives the same pixels. */
export function layoutRoleList(input: LayoutInput): Layout {
  const blocks: Block[] = [];
  const rows: LayoutRow[] = [];
  let y = 0;

  const section = (key: string, title: string) => {
    blocks.push({ kind: "section", key, title, top: y, height: SECTION_HEIGHT });
    y += SECTION_HEIGHT;
  };
  const card = (
    key: string,
    context: RowContext,
    account: AccountView | null,
    items: ReadonlyArray<{ account: AccountView; role: RoleView }>,
  ) => {
    const rowsTop = 1 + (account ? CARD_HEADER_HEIGHT : 0);
    const cardRows = items.map((item, i): LayoutRow => ({
      key: `${context}:${item.role.roleId}`,
      context,
      role: item.role,
      account: item.account,
      top: y + rowsTop + i * ROW_HEIGHT,
    }));
    const height = rowsTop - 1 + items.length * ROW_HEIGHT + CARD_BORDERS;
    blocks.push({ kind: "card", key, context, account, rows: cardRows, top: y, height, rowsTop });
    rows.push(...cardRows);
    y += height + CARD_GAP;
  };

  const hasPinned = input.favorites.length > 0 || input.recents.length > 0;
  if (input.favorites.length > 0) {
    section("favorites-title", "Favorites");
    card("favorites", "favorite", null, input.favorites);
  }
  if (input.recents.length > 0) {
    section("recents-title", "Recently used");
    card("recents", "recent", null, input.recents);
  }
  if (hasPinned && input.matches.length > 0) section("accounts-title", "All accounts");
  for (const match of input.matches) {
    card(
      `account:${match.account.accountId}`,
      "account",
      match.account,
      match.roles.map((role) => ({ account: match.account, role })),
    );
  }
  return { blocks, rows, height: Math.max(0, y - CARD_GAP) };
}

/** The blocks that intersect [top, bottom) (offsets from the list's top), by binary search. */
export function blocksInRange(blocks: readonly Block[], top: number, bottom: number): Block[] {
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const b = blocks[mid]!;
    if (b.top + b.height <= top) lo = mid + 1;
    else hi = mid;
  }
  const result: Block[] = [];
  for (let i = lo; i < blocks.length; i += 1) {
    const b = blocks[i]!;
    if (b.top >= bottom) break;
    result.push(b);
  }
  return result;
}

/** The rows of a card that intersect [top, bottom), by index arithmetic (rows are equal height). */
export function rowsInRange(rows: readonly LayoutRow[], top: number, bottom: number): LayoutRow[] {
  const first = rows[0];
  if (!first) return [];
  const start = Math.max(0, Math.floor((top - first.top) / ROW_HEIGHT));
  const end = Math.min(rows.length, Math.ceil((bottom - first.top) / ROW_HEIGHT));
  return rows.slice(start, Math.max(start, end));
}
