import os from "node:os";
import path from "node:path";

/**
 * Everything the CLI takes from its environment, read once in main.ts and passed down, so tests
 * point each setting at a temporary place (docs/CLI.md "Environment").
 */
export interface CliEnv {
  /** `GATEHOUSE_HOME`, else `~/.gatehouse`: the saved sign-in and the credential cache. */
  home: string;
  /** `GATEHOUSE_URL`: the portal when `--portal` is not given. */
  portalUrl: string | undefined;
  /** `GATEHOUSE_NO_BROWSER=1` (or `true`), or Linux without a display: print URLs instead of opening them. */
  noBrowser: boolean;
  /** `AWS_CONFIG_FILE`, else `~/.aws/config` (the same rule as the AWS CLI and SDKs). */
  awsConfigFile: string;
  /** `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials` (read, never written). */
  awsCredentialsFile: string;
  /** `$SHELL`, for `gatehouse env`'s default output. */
  shell: string | undefined;
  platform: NodeJS.Platform;
  /** The variables handed to `gatehouse exec`'s command (before the AWS ones are set). */
  variables: Environment;
  /** HTTP_PROXY / HTTPS_PROXY / NO_PROXY; undefined when neither proxy is set (proxy-fetch.ts). */
  proxy: ProxyVariables | undefined;
  /**
   * `AWS_CA_BUNDLE`: a PEM file of the certificate authorities to trust for https://, in place of
   * the built-in ones, as the AWS CLI reads it (proxied-fetch.ts); undefined when unset.
   */
  caBundle: string | undefined;
}

export interface ProxyVariable {
  /** The variable's name as set: `https_proxy` or `HTTPS_PROXY`. */
  name: string;
  value: string;
}

export interface ProxyVariables {
  http?: ProxyVariable;
  https?: ProxyVariable;
  noProxy?: ProxyVariable;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export function readCliEnv(
  variables: Environment = process.env,
  platform: NodeJS.Platform = process.platform,
): CliEnv {
  const userHome = os.homedir();
  const nonEmpty = (name: string) => {
    const value = variables[name];
    return value === undefined || value === "" ? undefined : value;
  };
  /** A path setting, with a leading `~` as the user's home (as the AWS CLI reads AWS_CONFIG_FILE). */
  const pathSetting = (name: string) => nonEmpty(name)?.replace(/^~(?=$|[/\\])/, userHome);
  const headless = platform === "linux" && !nonEmpty("DISPLAY") && !nonEmpty("WAYLAND_DISPLAY");
  return {
    home: path.resolve(pathSetting("GATEHOUSE_HOME") ?? path.join(userHome, ".gatehouse")),
    portalUrl: nonEmpty("GATEHOUSE_URL"),
    noBrowser: ["1", "true", "yes"].includes(nonEmpty("GATEHOUSE_NO_BROWSER") ?? "") || headless,
    awsConfigFile: path.resolve(
      pathSetting("AWS_CONFIG_FILE") ?? path.join(userHome, ".aws", "config"),
    ),
    awsCredentialsFile: path.resolve(
      pathSetting("AWS_SHARED_CREDENTIALS_FILE") ?? path.join(userHome, ".aws", "credentials"),
    ),
    shell: nonEmpty("SHELL"),
    platform,
    variables,
    proxy: readProxyVariables(variables),
    caBundle: pathSetting("AWS_CA_BUNDLE"),
  };
}

/**
 * The lower-case name wins when it is set, even to "" (which then turns the proxy off), as curl,
 * the AWS CLI and undici read them. Only the values are read here: proxy-settings.ts parses them,
 * and only when a proxy is set, so the usual start-up pays for nothing more.
 */
export function readProxyVariables(variables: Environment): ProxyVariables | undefined {
  const read = (lower: string): ProxyVariable | undefined => {
    const name = variables[lower] !== undefined ? lower : lower.toUpperCase();
    const value = variables[name]?.trim();
    return value ? { name, value } : undefined;
  };
  const http = read("http_proxy");
  const https = read("https_proxy");
  if (!http && !https) return undefined;
  const noProxy = read("no_proxy");
  return { ...(http && { http }), ...(https && { https }), ...(noProxy && { noProxy }) };
}
