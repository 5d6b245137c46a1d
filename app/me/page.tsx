import type { Metadata } from "next";
import { MyAccessView } from "@/components/my-access-view";
import { PageFrame } from "@/components/page-frame";
import { findMyAccess } from "@/lib/access-review/my-access";
import { requirePageUser } from "@/lib/auth/current-user";
import { identityViewOf } from "@/lib/auth/identity-view";
import { currentTime } from "@/lib/clock";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { issuerLabel, listIdentityProviders } from "@/lib/identity/identity-providers";

export const metadata: Metadata = { title: "Your sign-in and access" };

/**
 * Who am I (README "Your sign-in and access"): the signed-in identity and sign-in, the groups the
 * IdP sent, and each role with the rules behind it. Only the caller's own: it takes no parameters.
 */
export default async function MePage() {
  const { user } = await requirePageUser({ returnTo: "/me" });
  const db = getDb();
  const [access, idps] = await Promise.all([
    findMyAccess(db, user, currentTime()),
    listIdentityProviders(db, getConfig()),
  ]);
  const labelOf = (issuer: string) => issuerLabel(issuer, idps);
  return (
    <PageFrame user={user}>
      <MyAccessView
        identity={identityViewOf(user, labelOf(user.issuer))}
        access={access}
        labelOf={labelOf}
      />
    </PageFrame>
  );
}
