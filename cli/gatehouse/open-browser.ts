import { spawn } from "node:child_process";

import { isLoopbackHost } from "./portal-url";

/**
 * Whether a URL from the portal may be handed to the system's opener: https, or http on this
 * machine (a local portal or stand-in). Anything else (`file:`, a custom scheme handler) is not
 * something a browser sign-in page needs, and the opener would act on it.
 */
export function isOpenableUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === "https:" ||
      (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname))
    );
  } catch {
    return false;
  }
}

/** How long an opener may run before it counts as having opened the page (some stay in front). */
export const OPENER_GRACE_MS = 5_000;

/**
 * Opens `url` in the person's browser: xdg-open on Linux and the BSDs, open on macOS, the URL
 * protocol handler on Windows. Resolves true when the opener exits 0 (or is still running after
 * {@link OPENER_GRACE_MS}), false when it cannot be started or exits with a failure (xdg-open
 * with no browser configured, say); the caller then hands the URL over instead.
 *
 * The URL is one argument of a program started without a shell, so its `&` and `?` reach the
 * browser as they are. On Windows `start` would need cmd.exe, which reads `&` as a command
 * separator; rundll32's FileProtocolHandler is what `start` does for a URL, without the parsing.
 */
export function openInBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
): Promise<boolean> {
  const [command, args] =
    platform === "darwin"
      ? ["open", [url]]
      : platform === "win32"
        ? ["rundll32", ["url.dll,FileProtocolHandler", url]]
        : ["xdg-open", [url]];
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(command, args, { stdio: "ignore", detached: true });
    } catch {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      child.unref();
      resolve(true);
    }, OPENER_GRACE_MS);
    timer.unref();
    child.once("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}
