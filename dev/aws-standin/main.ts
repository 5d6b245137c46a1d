/**
 * CLI: `tsx dev/aws-standin/main.ts --port 3200 [--host 127.0.0.1] [--sts-endpoints a,b]
 * [--default-region us-east-1]` starts the AWS stand-in with the demo world (and its AWS
 * Organizations organization, served with IAM on the main listener) and runs until
 * SIGINT/SIGTERM. Each `--sts-endpoints` name gets its own STS listener (faults:
 * `POST /__standin/faults`); a name that is a region code serves that region, every other
 * endpoint the default region. It prints the GATEHOUSE_STS_ENDPOINTS value that matches.
 */
import { demoDiscoveryOrganizationRoleArn } from "../demo-world";
import { startAwsStandin, worldFromDemo } from "./server";

interface CliOptions {
  port: number;
  host: string;
  stsEndpointNames: string[];
  defaultRegion?: string;
}

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { port: 3200, host: "127.0.0.1", stsEndpointNames: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (
      flag === "--port" &&
      value !== undefined &&
      /^\d{1,5}$/.test(value) &&
      Number(value) <= 65535
    ) {
      options.port = Number(value);
    } else if (flag === "--host" && value !== undefined && value !== "") {
      options.host = value;
    } else if (flag === "--sts-endpoints" && value !== undefined && value !== "") {
      options.stsEndpointNames = value.split(",").map((name) => name.trim());
    } else if (flag === "--default-region" && value !== undefined && value !== "") {
      options.defaultRegion = value;
    } else {
      throw new Error(
        `usage: tsx dev/aws-standin/main.ts [--port 0-65535] [--host HOST] [--sts-endpoints name,…] [--default-region REGION] (bad: ${flag ?? ""})`,
      );
    }
    i += 1;
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const standin = await startAwsStandin({ world: worldFromDemo(), ...options });
  console.log(
    `AWS stand-in listening: STS ${standin.stsEndpoint} · federation ${standin.federationEndpoint}`,
  );
  for (const [name, url] of Object.entries(standin.stsEndpoints)) {
    const region = standin.stsEndpointRegions[name] ?? "?";
    console.log(`  STS endpoint ${name} (${region}): ${url}`);
  }
  console.log(
    `  IAM and Organizations (signed for us-east-1): ${standin.url} · demo organization role ${demoDiscoveryOrganizationRoleArn()}`,
  );
  const names = Object.keys(standin.stsEndpoints).filter((name) => name !== "default");
  const setting = (names.length > 0 ? names : ["default"]).map((name) =>
    standin.stsEndpointSetting(name),
  );
  console.log(`  GATEHOUSE_STS_ENDPOINTS=${setting.join(",")}`);

  let isClosing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (isClosing) return;
    isClosing = true;
    standin.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`AWS stand-in: error while closing on ${signal}:`, error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
