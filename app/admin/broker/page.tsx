import type { Metadata } from "next";
import { PageFrame } from "@/components/page-frame";
import { BrokerMfaForm } from "@/components/broker-mfa-form";
import {
  BrokerEndpointTable,
  BrokerFederationPanel,
  BrokerIdentityPanel,
} from "@/components/broker-status";
import { RoleCheckForm } from "@/components/role-check-form";
import { findCheckableRoles } from "@/lib/admin/role-check";
import { federationHealth } from "@/lib/aws/federation-health";
import { PARTITION_FACTS } from "@/lib/aws/partitions";
import { getConfig } from "@/lib/config";
import { requirePrivilegedPage } from "@/lib/auth/privilege-guard";
import { getDb } from "@/lib/db/client";
import { getBroker } from "@/lib/issuance/context";
import { checkBrokerNow, checkRoleAction, lockBroker, unlockBroker } from "./actions";

export const metadata: Metadata = { title: "Broker" };
export const dynamic = "force-dynamic";

export default async function BrokerPage() {
  const { user } = await requirePrivilegedPage("admin", "/admin/broker");
  const [status, roles] = await Promise.all([getBroker().getStatus(), findCheckableRoles(getDb())]);
  const { mfa } = status;
  return (
    <PageFrame user={user} isWide>
      <div className="flex items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Broker</h1>
          <p className="mt-1 text-sm text-slate-600">
            The AWS identity the portal assumes roles with, and the STS endpoints it uses.
          </p>
        </div>
        <form action={checkBrokerNow}>
          <button
            type="submit"
            className="rounded-md border border-slate-300 px-3 py-2 text-sm hover:bg-slate-100"
          >
            Check now
          </button>
        </form>
      </div>
      <BrokerIdentityPanel status={status} />
      <BrokerMfaForm
        mfa={{ ...mfa, expiresAt: mfa.expiresAt?.toISOString() ?? null }}
        unlock={unlockBroker}
        lock={lockBroker}
      />
      <BrokerEndpointTable status={status} />
      <BrokerFederationPanel
        endpoint={getConfig().aws.federationEndpoint}
        partitionName={PARTITION_FACTS[getConfig().aws.partition].name}
        health={federationHealth()}
      />
      <RoleCheckForm
        roles={roles.map(({ id, label }) => ({ id, label }))}
        check={checkRoleAction}
      />
    </PageFrame>
  );
}
