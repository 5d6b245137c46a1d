"use client";

import type { RefObject } from "react";
import type { RoleView } from "@/lib/access/group-by-account";
import { environmentTone, EnvironmentBadge } from "./environment-badge";
import {
  blocksInRange,
  CARD_HEADER_HEIGHT,
  rowsInRange,
  type Block,
  type Layout,
} from "./role-list-layout";
import { RoleRow, type RoleRowHandlers } from "./role-row";
import { useVisibleRange } from "./use-visible-range";

/**
 * The sections and account cards, absolutely positioned from the precomputed layout. Windowed:
 * only the cards (and within them the rows) near the viewport are in the DOM, so 1,000 roles cost
 * what 30 do. Small lists render whole.
 */
export function RoleList({
  listRef,
  layout,
  isWindowed,
  highlightedKey,
  openingRoleId,
  isFavorite,
  lastUsedLabel,
  serverNow,
  handlers,
}: {
  listRef: RefObject<HTMLDivElement | null>;
  layout: Layout;
  isWindowed: boolean;
  highlightedKey: string | null;
  openingRoleId: string | null;
  isFavorite: (roleId: string, initial: boolean) => boolean;
  lastUsedLabel: (role: RoleView) => string | null;
  /** The server's clock at render: what "today" is for the access-ends badge. */
  serverNow: string;
  handlers: RoleRowHandlers;
}) {
  const range = useVisibleRange(listRef, isWindowed, layout.height);
  const blocks = blocksInRange(layout.blocks, range.top, range.bottom);
  // An account's name is a heading under its section's (h2), or straight under the page's h1
  // when there are no sections: heading levels never skip one (WCAG 1.3.1).
  const cardHeading = layout.blocks.some((b) => b.kind === "section") ? "h3" : "h2";
  return (
    <div
      ref={listRef}
      className="relative mt-2"
      style={{ height: layout.height }}
      data-testid="role-list"
      data-windowed={isWindowed ? "true" : "false"}
    >
      {blocks.map((block) => (
        <BlockView
          key={block.key}
          block={block}
          cardHeading={cardHeading}
          range={range}
          highlightedKey={highlightedKey}
          openingRoleId={openingRoleId}
          isFavorite={isFavorite}
          lastUsedLabel={lastUsedLabel}
          serverNow={serverNow}
          handlers={handlers}
        />
      ))}
    </div>
  );
}

/** A strip down the card's left edge; drawn over the rows, so it moves nothing. */
const CARD_ACCENT = {
  production: "bg-red-500",
  staging: "bg-amber-400",
  development: null,
  other: null,
} as const;

const CARD_TEST_IDS = { account: "account", favorite: "favorites", recent: "recents" } as const;

function BlockView({
  block,
  cardHeading: CardHeading,
  range,
  highlightedKey,
  openingRoleId,
  isFavorite,
  lastUsedLabel,
  serverNow,
  handlers,
}: {
  block: Block;
  cardHeading: "h2" | "h3";
  range: { top: number; bottom: number };
  highlightedKey: string | null;
  openingRoleId: string | null;
  isFavorite: (roleId: string, initial: boolean) => boolean;
  lastUsedLabel: (role: RoleView) => string | null;
  /** The server's clock at render: what "today" is for the access-ends badge. */
  serverNow: string;
  handlers: RoleRowHandlers;
}) {
  if (block.kind === "section") {
    return (
      <h2
        className="absolute inset-x-0 flex items-end pb-2 text-sm font-semibold tracking-wide text-slate-500 uppercase"
        style={{ top: block.top, height: block.height }}
        data-testid="section-title"
      >
        {block.title}
      </h2>
    );
  }
  const { account } = block;
  const accent = account ? CARD_ACCENT[environmentTone(account.environment)] : null;
  const rows = rowsInRange(block.rows, range.top, range.bottom);
  // contain:strict — the card's size is fixed by the layout, so the browser lays out and paints
  // each card on its own: a search that moves or replaces some cards leaves the others untouched.
  return (
    <section
      className="absolute inset-x-0 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm [contain:strict]"
      style={{ top: block.top, height: block.height }}
      data-testid={CARD_TEST_IDS[block.context]}
      data-account-id={account?.accountId}
      aria-label={account ? `${account.name} (${account.accountId})` : undefined}
    >
      {account && (
        <div
          className="flex items-center gap-3 overflow-hidden border-b border-slate-100 bg-slate-50/60 px-4"
          style={{ height: CARD_HEADER_HEIGHT }}
        >
          <CardHeading
            className="min-w-12 truncate font-semibold"
            data-testid="account-name"
            title={account.name}
          >
            {account.name}
          </CardHeading>
          {account.alias && account.alias !== account.name && (
            <span
              className="hidden shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 sm:inline"
              title="Account alias"
              data-testid="account-alias"
            >
              {account.alias}
            </span>
          )}
          <code
            className="shrink-0 font-mono text-xs text-slate-500 sm:text-sm"
            data-testid="account-id"
          >
            {account.accountId}
          </code>
          <EnvironmentBadge environment={account.environment} />
          {account.description && (
            <span
              className="hidden min-w-0 flex-1 basis-0 truncate text-sm text-slate-500 sm:block"
              title={account.description}
            >
              {account.description}
            </span>
          )}
        </div>
      )}
      {rows.map((row) => (
        <RoleRow
          key={row.key}
          row={row}
          top={row.top - block.top - 1}
          isFirst={row === block.rows[0]}
          isHighlighted={row.key === highlightedKey}
          isFavorite={isFavorite(row.role.roleId, row.role.isFavorite)}
          isOpening={openingRoleId === row.role.roleId}
          lastUsedLabel={row.context === "recent" ? lastUsedLabel(row.role) : null}
          serverNow={serverNow}
          handlers={handlers}
        />
      ))}
      {accent && <span aria-hidden className={`absolute inset-y-0 left-0 z-10 w-1 ${accent}`} />}
    </section>
  );
}
