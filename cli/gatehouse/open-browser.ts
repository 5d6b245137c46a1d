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

/**
 * Opens `url` in the person's browser: xdg-open on Linux and the BSDs, open on macOS, the URL
 * protocol handler on Windows. Resolves false when no opener could be started; the caller then
 * tells the person to open the URL themselves.
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
    child.once("error", () => resolve(false));
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}
