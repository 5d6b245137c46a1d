"use client";

import { useCallback } from "react";
import { checkProfileName } from "@/lib/aws/profile-name";
import { useStoredChoice } from "./use-stored-choice";

// Apart from the other role preferences (use-role-preferences.ts) because only the credentials
// dialog asks for it: the profile-name rules then load with the dialog, not with the accounts page.

/** The credentials-file profile name chosen for one role; "" means the server's default. */
export function useRoleProfileName(roleId: string): [string, (name: string) => void] {
  const isValid = useCallback((value: string) => value === "" || checkProfileName(value).ok, []);
  return useStoredChoice(`gatehouse.profileName.${roleId}`, "", isValid);
}
