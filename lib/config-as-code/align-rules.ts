import { sameRuleTerms } from "./diff-fields";
import { subjectKey, type AccountState, type CurrentAccount, type RuleState } from "./state";

/**
 * Pairs the rules a file gives one subject on a role with the stored rules of that subject, so
 * the diff changes what the admin changed. Rules are keyed by their rank among the subject's rules
 * (state.ts); a file that leaves out the first of two rules for a group would otherwise read as
 * "the first takes the second's terms, the second is removed" — the same end state, but the
 * removed row is the one the second's access requests were made under (docs/ACCESS-REQUESTS.md:
 * a request whose rule is deleted grants nothing). So a desired rule first takes the key of a
 * stored rule with the same terms, then the leftovers pair up in order, and any more get new keys.
 * Changes `desired` in place.
 */
export function alignRuleKeys(desired: AccountState[], current: readonly CurrentAccount[]): void {
  const storedRoles = new Map(current.flatMap((a) => a.roles.map((r) => [r.key, r] as const)));
  for (const account of desired)
    for (const role of account.roles) {
      const stored = storedRoles.get(role.key);
      if (!stored) continue;
      const bySubject = (rules: readonly RuleState[]) => {
        const out = new Map<string, RuleState[]>();
        for (const rule of rules) {
          const key = subjectKey(rule.subject);
          out.set(key, [...(out.get(key) ?? []), rule]);
        }
        return out;
      };
      const storedBySubject = bySubject(stored.rules);
      for (const [subject, wanted] of bySubject(role.rules)) {
        const had = storedBySubject.get(subject) ?? [];
        if (wanted.length <= 1 && had.length <= 1) continue;
        alignSubject(wanted, had, `${role.key}|${subject}`);
      }
    }
}

function alignSubject(wanted: RuleState[], had: readonly RuleState[], prefix: string): void {
  const taken = new Set<RuleState>();
  const unmatched: RuleState[] = [];
  for (const rule of wanted) {
    const same = had.find((h) => !taken.has(h) && sameRuleTerms(h, rule));
    if (same) {
      taken.add(same);
      rule.key = same.key;
    } else unmatched.push(rule);
  }
  const leftovers = had.filter((h) => !taken.has(h));
  unmatched.forEach((rule, i) => {
    // Past the stored ranks: keys no stored rule has.
    rule.key = leftovers[i]?.key ?? `${prefix}#${had.length + 1 + i - leftovers.length}`;
  });
}
