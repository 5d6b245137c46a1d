import type { Metadata } from "next";
import { headers } from "next/headers";
import { StatusPage } from "@/components/status-page";
import { findStatusPageViewer } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Page not found" };

export default async function NotFound() {
  const requestId = (await headers()).get("x-request-id");
  const viewer = await findStatusPageViewer();
  return (
    <StatusPage
      viewer={viewer}
      status="404 · Not found"
      title="Page not found"
      requestId={requestId}
      testId="not-found"
    >
      <p>
        There is nothing at this address. It may have been mistyped, or what it pointed to has been
        removed.{" "}
        {viewer
          ? "Your roles are on your accounts page; the menu above has the rest."
          : "Sign in to see the AWS accounts and roles you may use."}
      </p>
    </StatusPage>
  );
}
