"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/** The pages everyone has, in the header's order. */
const MAIN_PAGES = [
  { href: "/accounts", label: "Accounts" },
  { href: "/requests", label: "Access requests" },
  { href: "/cli-sessions", label: "CLI sessions" },
] as const;

/**
 * "page" on the link to the page shown, "true" on the link to the section a deeper page is in
 * (a role's page is in "Accounts & access"), so a screen reader says where one is.
 */
function currentOf(pathname: string, href: string): "page" | "true" | undefined {
  if (pathname === href) return "page";
  return pathname.startsWith(`${href}/`) ? "true" : undefined;
}

/** A header link that says (and shows) when it leads to where one is. */
export function HeaderLink({
  href,
  className = "",
  onClick,
  title,
  testId,
  children,
}: {
  href: string;
  className?: string;
  onClick?: () => void;
  title?: string;
  testId?: string;
  children: ReactNode;
}) {
  const current = currentOf(usePathname(), href);
  const ref = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    if (current === "page") scrollRowTo(ref.current);
  }, [current]);
  return (
    <Link
      ref={ref}
      href={href}
      aria-current={current}
      onClick={onClick}
      title={title}
      data-testid={testId}
      className={`${className} ${current ? "font-medium text-slate-900" : "hover:text-slate-900"}`}
    >
      {children}
    </Link>
  );
}

/**
 * In a row of links that scrolls sideways (`data-scroll-row`, the admin row on a phone), brings the
 * link to the page shown into view. Only the row scrolls, never the page (a page the browser
 * restored to a scrolled position stays there).
 */
function scrollRowTo(link: HTMLElement | null): void {
  const row = link?.closest<HTMLElement>("[data-scroll-row]");
  if (!link || !row || row.scrollWidth <= row.clientWidth) return;
  const linkBox = link.getBoundingClientRect();
  const rowBox = row.getBoundingClientRect();
  if (linkBox.left >= rowBox.left && linkBox.right <= rowBox.right) return;
  row.scrollLeft += linkBox.left - rowBox.left - 16;
}

/**
 * The main pages: a row of links from 768 px up, each on one line; below that, where the row
 * leaves no room for who is signed in, a "Menu" button opening the same links (a disclosure: Escape or moving focus
 * away closes it, and following a link does too). Each row link is 24 px tall, a tap target WCAG 2.5.8
 * allows.
 */
export function MainNav() {
  const [isOpen, setIsOpen] = useState(false);
  const listId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  return (
    <>
      <nav
        aria-label="Main"
        className="hidden gap-4 text-sm whitespace-nowrap text-slate-600 md:flex"
      >
        {MAIN_PAGES.map((p) => (
          <HeaderLink key={p.href} href={p.href} className="py-0.5">
            {p.label}
          </HeaderLink>
        ))}
      </nav>
      <nav
        aria-label="Main"
        className="md:hidden"
        onKeyDown={(event) => {
          if (event.key !== "Escape" || !isOpen) return;
          // Handled: the accounts page's own Escape (clear, blur) leaves a handled key alone.
          event.preventDefault();
          setIsOpen(false);
          buttonRef.current?.focus();
        }}
        onBlur={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget)) setIsOpen(false);
        }}
      >
        <button
          ref={buttonRef}
          type="button"
          aria-expanded={isOpen}
          aria-controls={listId}
          onClick={() => setIsOpen((open) => !open)}
          className="flex items-center gap-1 rounded-md border border-slate-300 px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-50"
          data-testid="main-menu-button"
        >
          <MenuIcon />
          Menu
        </button>
        <ul
          id={listId}
          hidden={!isOpen}
          className="absolute inset-x-0 top-full z-30 border-b border-slate-200 bg-white px-4 py-2 text-sm text-slate-700 shadow-md"
          data-testid="main-menu"
        >
          {MAIN_PAGES.map((p) => (
            <li key={p.href}>
              <HeaderLink
                href={p.href}
                className="block rounded-md px-2 py-2.5"
                onClick={() => setIsOpen(false)}
              >
                {p.label}
              </HeaderLink>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}

function MenuIcon() {
  return (
    <svg
      viewBox="0 0 20 20"
      className="h-4 w-4"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden
    >
      <path d="M3 5h14M3 10h14M3 15h14" />
    </svg>
  );
}
