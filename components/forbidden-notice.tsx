import { headers } from "next/headers";
import { findStatusPageViewer } from "@/lib/auth/current-user";
import { StatusPage } from "./status-page";

/**
 * The friendly 403 a signed-in person sees on a page their role doesn't cover: the usual header,
 * what the page is for, whom to ask, and the way back. Nothing of the page itself. The request id
 * lets support find the matching admin.denied audit event.
 */
export async function ForbiddenNotice({ title, children }: { title: string; children: string }) {
  const requestId = (await headers()).get("x-request-id");
  return (
    <StatusPage
      viewer={await findStatusPageViewer()}
      status="403 · Not allowed"
      title={title}
      requestId={requestId}
      testId="forbidden"
    >
      <p>{children}</p>
    </StatusPage>
  );
}
