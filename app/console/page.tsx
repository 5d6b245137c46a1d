import { currentTime } from "@/lib/clock";
import type { Metadata } from "next";
import { headers } from "next/headers";
import { AppHeader, MAIN_CONTENT_ID } from "@/components/app-header";
import { ConsoleRedirect, SignInFirst } from "@/components/console-redirect";
import { roleDurations } from "@/lib/access/account-views";
import { buildDeepLink, parseDeepLink } from "@/lib/access/deep-link";
import { deepLinkPath } from "@/lib/access/deep-link-path";
import { currentRequestMeta, findSignedInUser, requirePageUser } from "@/lib/auth/current-user";
import { regionsOfPartition } from "@/lib/aws/regions";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { isBrokerRoleChained } from "@/lib/issuance/broker-chaining";
import { resolveDeepLinkTarget } from "@/lib/issuance/deep-link-target";
import { ChooseAccount, LinkProblems, NoSuchRole, UnopenableRole } from "./deep-link-views";

export const metadata: Metadata = { title: "Open the AWS console" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * A console deep link: `/console?account=<id|name|alias>&role=<name>[&region=…][&destination=…]`.
 * Signs the user in and back here, finds the role among their own grants, then opens the console —
 * at once for a navigation from the portal or typed by the user, after a click for one from another
 * site (Sec-Fetch-Site), so a link elsewhere can't open a console session silently.
 */
export default async function ConsolePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const deepLink = deepLinkPath(params);
  const fetchSite = (await headers()).get("sec-fetch-site");
  const isDirect = fetchSite === "same-origin" || fetchSite === "none";
  const meta = await currentRequestMeta();
  const signedIn = await findSignedInUser(meta);
  if (!signedIn && isDirect) return <Frame>{<SignInFirst deepLink={deepLink} />}</Frame>;
  const { user } = signedIn ? { user: signedIn } : await requirePageUser({ returnTo: deepLink });
  const header = <AppHeader user={user} />;

  const parsed = parseDeepLink(params);
  if (!parsed.ok)
    return <Frame header={header}>{<LinkProblems problems={parsed.problems} />}</Frame>;
  const { link } = parsed;
  const now = currentTime();
  const target = await resolveDeepLinkTarget({ db: getDb(), user, meta, now }, link);
  const config = getConfig();

  let body: React.ReactNode;
  switch (target.kind) {
    case "not-found":
      body = <NoSuchRole requestId={meta.requestId} />;
      break;
    case "requestable":
    case "no-console":
      body = (
        <UnopenableRole
          reason={target.kind}
          roleName={target.roleName}
          accountName={target.account.name}
          requestId={meta.requestId}
        />
      );
      break;
    case "choose-account":
      body = (
        <ChooseAccount
          roleName={target.roleName}
          accounts={target.accounts}
          hrefFor={(accountId) =>
            buildDeepLink({
              account: accountId,
              role: link.role,
              ...(link.region ? { region: link.region } : {}),
              ...(link.destination ? { destination: link.destination } : {}),
            })
          }
        />
      );
      break;
    case "role":
      body = (
        <ConsoleRedirect
          roleId={target.roleId}
          roleName={target.roleName}
          accountName={target.account.name}
          accountId={target.account.accountId}
          linkRegion={link.region ?? null}
          defaultRegion={config.defaultRegion}
          regionCodes={regionsOfPartition(config.aws.partition).map((r) => r.code)}
          destination={link.destination ?? null}
          bounds={
            roleDurations(target.grant, { isBrokerChained: await isBrokerRoleChained(), now })
              .duration
          }
          deepLink={deepLink}
          autoContinue={isDirect}
        />
      );
  }
  return <Frame header={header}>{body}</Frame>;
}

function Frame({ header, children }: { header?: React.ReactNode; children: React.ReactNode }) {
  return (
    <>
      {header}
      <main
        id={MAIN_CONTENT_ID}
        tabIndex={-1}
        className="mx-auto max-w-2xl px-4 py-10 outline-none"
      >
        {children}
      </main>
    </>
  );
}
