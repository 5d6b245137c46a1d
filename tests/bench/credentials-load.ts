// The request the load benchmarks repeat: POST /api/roles/:id/credentials as a signed-in user,
// sent by autocannon to one portal process (`url`; `origin` is the portal's public URL).
import autocannon from "autocannon";

export interface CredentialsLoad {
  url: string;
  origin: string;
  roleId: string;
  cookie: string;
}

export function issueCredentials(
  target: CredentialsLoad,
  load: { connections: number } & ({ amount: number } | { duration: number }),
): Promise<autocannon.Result> {
  return autocannon({
    url: `${target.url}/api/roles/${target.roleId}/credentials`,
    method: "POST",
    headers: { cookie: target.cookie, origin: target.origin, "content-type": "application/json" },
    body: "{}",
    ...load,
  });
}
