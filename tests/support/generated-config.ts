// A configuration-as-code file of any size, for the import tests and bench:config.

/** A generated configuration: `accounts` accounts × `roles` roles × `rules` group rules. */
export function generatedConfig(
  accounts: number,
  roles: number,
  rules: number,
  firstAccountId = 700000000000,
): string {
  const out = ["version: 1", "accounts:"];
  for (let a = 0; a < accounts; a += 1) {
    const id = String(firstAccountId + a);
    out.push(`  - id: "${id}"`, `    name: generated-${a}`, "    environment: dev", "    roles:");
    for (let r = 0; r < roles; r += 1) {
      out.push(
        `      - name: Role${r}`,
        "        maxSessionDurationSeconds: 7200",
        "        rules:",
      );
      for (let g = 0; g < rules; g += 1)
        out.push(
          `          - group: team-${(a + g) % 500}`,
          `            maxSessionDurationSeconds: ${900 + g * 60}`,
          `            cli: ${g % 2 === 0}`,
        );
    }
  }
  return `${out.join("\n")}\n`;
}
