// A CLI context for tests that run the CLI's commands in-process (runCli): its environment, output
// collected, a fixed clock and a fetch the test chooses (none by default: unit tests reach no
// network unless they say so).
import { readCliEnv } from "@/cli/gatehouse/cli-env";
import type { CliContext } from "@/cli/gatehouse/context";
import { saveSignIn } from "@/cli/gatehouse/config-store";

export const CLI_TEST_NOW = new Date("2026-11-26T12:00:00Z");

/** One portal role usable from the CLI, as GET /api/v1/roles lists it. */
export function oneCliRole(accountName: string) {
  return {
    defaultRegion: "eu-west-1",
    accounts: [
      {
        accountId: "111111111111",
        name: accountName,
        roles: [
          {
            roleId: "r1",
            roleName: "Developer",
            allowConsole: true,
            allowCli: true,
            needsMfa: false,
            duration: { minSeconds: 900, maxSeconds: 3600, defaultSeconds: 3600 },
          },
        ],
      },
    ],
  };
}

export interface TestCli {
  ctx: CliContext;
  /** "METHOD url" of every fetch the commands made. */
  calls: string[];
  out: string[];
  err: string[];
  stdout(): string;
  stderr(): string;
}

export function testCliContext(
  variables: Record<string, string | undefined>,
  opts: {
    /** Answers each request; without it every request fails as "no network". */
    answer?: (url: string, init: RequestInit) => Response | Promise<Response>;
    now?: () => Date;
  } = {},
): TestCli {
  const out: string[] = [];
  const err: string[] = [];
  const calls: string[] = [];
  const answer = opts.answer;
  const ctx: CliContext = {
    env: readCliEnv(variables, "linux"),
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    now: opts.now ?? (() => CLI_TEST_NOW),
    fetch: (async (input: string | URL, init: RequestInit = {}) => {
      calls.push(`${init.method ?? "GET"} ${String(input)}`);
      if (!answer) throw new Error("no network in unit tests");
      return answer(String(input), init);
    }) as typeof fetch,
    program: ["/usr/bin/node", "/opt/gatehouse/cli/dist/gatehouse.mjs"],
  };
  return { ctx, calls, out, err, stdout: () => out.join(""), stderr: () => err.join("") };
}

/** Saves a valid sign-in to `portalUrl` in `home`, as `gatehouse login` would (bob's, until 2026-11-27). */
export function saveTestSignIn(home: string, portalUrl: string, tokenId = "tok1"): void {
  saveSignIn(
    home,
    {
      portalUrl,
      token: `gh_cli_${"t".repeat(43)}`,
      tokenId,
      expiresAt: "2026-11-27T00:00:00Z",
      user: { email: "bob@corp.example", displayName: "Bob", subject: "bob" },
    },
    () => undefined,
  );
}
