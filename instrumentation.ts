/**
 * Runs once when the server starts: validates every setting so a misconfiguration stops the boot
 * with a message naming the setting, instead of failing on the first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootOrExit } = await import("./lib/boot");
  await bootOrExit();
}
