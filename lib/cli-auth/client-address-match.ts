/**
 * Whether the terminal that started a CLI sign-in and the browser approving it seem to be on one
 * machine or network: the same client address, any two loopback addresses counting as one (a CLI
 * may reach a local portal over ::1 while the browser uses 127.0.0.1). Unknown is never a match.
 * A mismatch is what a phished code looks like (docs/SECURITY.md "CLI tokens"), so the approval
 * page says so; a VPN or a CLI on another machine also differ, so it warns and does not refuse.
 */
export function sameClientAddress(cli: string | null, browser: string | null): boolean {
  if (cli === null || browser === null) return false;
  const [a, b] = [comparable(cli), comparable(browser)];
  return a === b || (isLoopback(a) && isLoopback(b));
}

function comparable(address: string): string {
  return address
    .trim()
    .toLowerCase()
    .replace(/^::ffff:/, "");
}

function isLoopback(address: string): boolean {
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
