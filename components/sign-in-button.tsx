"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

export function SignInButton({
  providerId,
  label,
  callbackUrl,
}: {
  providerId: string;
  label: string;
  callbackUrl: string;
}) {
  const [isRedirecting, setIsRedirecting] = useState(false);
  return (
    <button
      type="button"
      disabled={isRedirecting}
      onClick={() => {
        setIsRedirecting(true);
        void signIn(providerId, { callbackUrl });
      }}
      className="w-full rounded-md bg-indigo-600 px-4 py-2.5 font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60"
    >
      {isRedirecting ? "Redirecting…" : label}
    </button>
  );
}
