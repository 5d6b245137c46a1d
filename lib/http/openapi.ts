import { ERROR_CODES } from "@/lib/errors";

/**
 * The OpenAPI 3.1 description of /api/v1 (docs/API.md), served at /api/v1/openapi.json. Its
 * schemas are JSON Schema 2020-12; tests validate the portal's real responses against them, so a
 * change of a response shape must change this document too.
 */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const json = (schema: unknown) => ({ "application/json": { schema } });
  const errors = (...statuses: number[]) =>
    Object.fromEntries(
      statuses.map((s) => [
        String(s),
        { description: ERROR_DESCRIPTIONS[s] ?? "Error", content: json(ref("Error")) },
      ]),
    );
  const bearer = [{ cliToken: [] }];
  const isoTime = { type: "string", format: "date-time" };
  return {
    openapi: "3.1.0",
    info: {
      title: "Gatehouse API",
      version: "1",
      description:
        "Short-lived AWS credentials and console sign-in for the gatehouse CLI, decided by the portal's access rules and written to its audit log first. Bearer tokens come from the device authorization grant (RFC 8628).",
    },
    servers: [{ url: `${serverUrl}/api/v1` }],
    components: {
      securitySchemes: {
        cliToken: {
          type: "http",
          scheme: "bearer",
          description: "A gatehouse CLI token (gh_cli_…), from POST /device/token.",
        },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          additionalProperties: false,
          properties: {
            error: {
              type: "object",
              required: ["code", "message", "requestId"],
              additionalProperties: false,
              properties: {
                code: { enum: [...ERROR_CODES] },
                message: {
                  type: "string",
                  description:
                    "Safe to show. For validation_error it names each field and its problem, as issues does: `durationSeconds: must be a whole number of seconds`.",
                },
                requestId: { type: "string", minLength: 8 },
                awsErrorCode: { type: "string" },
                issues: {
                  type: "array",
                  description: "validation_error only: one entry per problem with the input.",
                  items: {
                    type: "object",
                    required: ["path", "message"],
                    additionalProperties: false,
                    properties: {
                      path: {
                        type: "string",
                        minLength: 1,
                        description:
                          "The field, dotted for a nested one (`tags.0.key`); `body`, `query` or `params` for the input as a whole.",
                      },
                      message: { type: "string", minLength: 1 },
                    },
                  },
                },
                nextUrl: { type: "string" },
              },
            },
          },
        },
        OAuthError: {
          type: "object",
          required: ["error", "error_description", "requestId"],
          additionalProperties: false,
          properties: {
            error: {
              enum: [
                "invalid_request",
                "invalid_client",
                "invalid_grant",
                "unsupported_grant_type",
                "authorization_pending",
                "slow_down",
                "access_denied",
                "expired_token",
                "server_error",
              ],
            },
            error_description: { type: "string" },
            requestId: { type: "string" },
          },
        },
        DeviceAuthorization: {
          type: "object",
          additionalProperties: false,
          required: [
            "device_code",
            "user_code",
            "verification_uri",
            "verification_uri_complete",
            "expires_in",
            "interval",
          ],
          properties: {
            device_code: { type: "string", minLength: 43 },
            user_code: {
              type: "string",
              pattern: "^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$",
            },
            verification_uri: { type: "string", format: "uri" },
            verification_uri_complete: { type: "string", format: "uri" },
            expires_in: { type: "integer", minimum: 1 },
            interval: { type: "integer", minimum: 1 },
          },
        },
        Token: {
          type: "object",
          additionalProperties: false,
          required: ["access_token", "token_type", "expires_in", "token_id", "user"],
          properties: {
            access_token: { type: "string", pattern: "^gh_cli_[A-Za-z0-9_-]{43}$" },
            token_type: { const: "Bearer" },
            expires_in: { type: "integer", minimum: 1 },
            token_id: { type: "string" },
            user: {
              type: "object",
              additionalProperties: false,
              required: ["email", "displayName", "subject"],
              properties: {
                email: { type: ["string", "null"] },
                displayName: { type: ["string", "null"] },
                subject: { type: "string" },
              },
            },
          },
        },
        Me: {
          type: "object",
          additionalProperties: false,
          required: ["user", "token"],
          properties: {
            user: {
              type: "object",
              additionalProperties: false,
              required: [
                "id",
                "email",
                "displayName",
                "subject",
                "issuer",
                "groups",
                "isAdmin",
                "isAuditor",
              ],
              properties: {
                id: { type: "string" },
                email: { type: ["string", "null"] },
                displayName: { type: ["string", "null"] },
                subject: { type: "string" },
                issuer: { type: "string" },
                groups: { type: "array", items: { type: "string" } },
                isAdmin: { type: "boolean" },
                isAuditor: { type: "boolean" },
              },
            },
            token: {
              type: "object",
              additionalProperties: false,
              required: ["id", "deviceName", "createdAt", "expiresAt", "mfaAuthenticated"],
              properties: {
                id: { type: "string" },
                deviceName: { type: "string" },
                createdAt: isoTime,
                expiresAt: isoTime,
                mfaAuthenticated: { type: "boolean" },
              },
            },
          },
        },
        DurationBounds: {
          type: "object",
          additionalProperties: false,
          required: ["minSeconds", "maxSeconds", "defaultSeconds", "cappedBy"],
          properties: {
            minSeconds: { type: "integer" },
            maxSeconds: { type: "integer" },
            defaultSeconds: { type: "integer" },
            cappedBy: { enum: ["rule", "role", "role-chaining", "access-end"] },
          },
        },
        Role: {
          type: "object",
          additionalProperties: false,
          required: [
            "roleId",
            "roleName",
            "description",
            "allowConsole",
            "allowCli",
            "duration",
            "isFavorite",
            "needsMfa",
            "lastUsedAt",
          ],
          properties: {
            roleId: { type: "string" },
            roleName: { type: "string" },
            description: { type: "string" },
            allowConsole: { type: "boolean" },
            allowCli: { type: "boolean" },
            duration: ref("DurationBounds"),
            cliDuration: {
              ...ref("DurationBounds"),
              description:
                "The bounds POST /credentials accepts, present only when AWS holds CLI credentials to less than duration (a role that needs the broker's MFA session).",
            },
            isFavorite: { type: "boolean" },
            needsMfa: { type: "boolean", description: "Issuing needs a sign-in with MFA." },
            lastUsedAt: { type: ["string", "null"], format: "date-time" },
            viaSamlApp: {
              const: true,
              description:
                "Reached through a SAML IdP's AWS app: only the web page can issue it (absent otherwise).",
            },
            accessEndsAt: {
              type: "string",
              format: "date-time",
              description:
                "Time-bound access (an approved access request or an expiring rule) ends then; no session outlasts it (absent otherwise).",
            },
            viaRequest: {
              const: true,
              description: "Granted by an approved access request (absent otherwise).",
            },
          },
        },
        Roles: {
          type: "object",
          additionalProperties: false,
          required: ["defaultRegion", "accounts"],
          properties: {
            defaultRegion: { type: "string" },
            filterReadAs: {
              type: "string",
              enum: ["as-typed", "arns-in-text", "close-spellings"],
              description:
                "Only with a filter: how it found its roles. as-typed: every word matched; arns-in-text: the role ARNs in a pasted sentence, its other words set aside; close-spellings: nothing matched as typed, so words a slip or two away.",
            },
            accounts: {
              type: "array",
              items: {
                type: "object",
                additionalProperties: false,
                required: ["accountId", "name", "alias", "environment", "description", "roles"],
                properties: {
                  accountId: { type: "string", pattern: "^\\d{12}$" },
                  name: { type: "string" },
                  alias: { type: "string" },
                  environment: { type: "string" },
                  description: { type: "string" },
                  roles: { type: "array", items: ref("Role") },
                },
              },
            },
          },
        },
        RoleReference: {
          type: "string",
          minLength: 1,
          maxLength: 200,
          description:
            "A role id, or <account>/<role name> with the account's 12-digit id, name or alias.",
        },
        CredentialsRequest: {
          type: "object",
          additionalProperties: false,
          required: ["role"],
          properties: {
            role: ref("RoleReference"),
            region: { type: "string" },
            durationSeconds: { type: "integer" },
          },
        },
        Credentials: {
          type: "object",
          additionalProperties: false,
          required: [
            "accessKeyId",
            "secretAccessKey",
            "sessionToken",
            "expiration",
            "durationSeconds",
            "region",
            "account",
            "roleName",
          ],
          properties: {
            accessKeyId: { type: "string" },
            secretAccessKey: { type: "string" },
            sessionToken: { type: "string" },
            expiration: isoTime,
            durationSeconds: { type: "integer" },
            region: { type: "string" },
            account: {
              type: "object",
              additionalProperties: false,
              required: ["accountId", "name"],
              properties: { accountId: { type: "string" }, name: { type: "string" } },
            },
            roleName: { type: "string" },
          },
        },
        ConsoleRequest: {
          type: "object",
          additionalProperties: false,
          required: ["role"],
          properties: {
            role: ref("RoleReference"),
            region: { type: "string" },
            destination: { type: "string" },
            durationSeconds: { type: "integer" },
          },
        },
        ConsoleSignIn: {
          type: "object",
          additionalProperties: false,
          required: [
            "signinUrl",
            "expiresAt",
            "linkExpiresAt",
            "region",
            "destinationUrl",
            "durationSeconds",
          ],
          properties: {
            signinUrl: {
              type: "string",
              format: "uri",
              description: "A bearer secret until linkExpiresAt.",
            },
            expiresAt: isoTime,
            linkExpiresAt: isoTime,
            region: {
              type: "string",
              description:
                "The region the console opens in: the destination's own region when it names one, else the one requested.",
            },
            destinationUrl: { type: "string", format: "uri" },
            durationSeconds: { type: "integer" },
          },
        },
      },
    },
    paths: {
      "/device/code": {
        post: {
          summary: "Start a CLI sign-in (RFC 8628 device authorization request)",
          requestBody: {
            required: true,
            content: {
              "application/x-www-form-urlencoded": {
                schema: {
                  type: "object",
                  required: ["client_id"],
                  properties: {
                    client_id: { const: "gatehouse-cli" },
                    device_name: { type: "string", maxLength: 64 },
                    login_hint: { type: "string" },
                  },
                },
              },
            },
          },
          responses: {
            "200": { description: "Started", content: json(ref("DeviceAuthorization")) },
            "400": { description: "Bad request", content: json(ref("OAuthError")) },
            "401": { description: "Unknown client", content: json(ref("OAuthError")) },
            "413": { description: "The body is too large", content: json(ref("OAuthError")) },
            "429": { description: "Too many requests", content: json(ref("OAuthError")) },
          },
        },
      },
      "/device/token": {
        post: {
          summary: "Poll for the CLI token (RFC 8628 device access token request)",
          requestBody: {
            required: true,
            content: {
              "application/x-www-form-urlencoded": {
                schema: {
                  type: "object",
                  required: ["grant_type", "device_code", "client_id"],
                  properties: {
                    grant_type: { const: "urn:ietf:params:oauth:grant-type:device_code" },
                    device_code: { type: "string" },
                    client_id: { const: "gatehouse-cli" },
                  },
                },
              },
            },
          },
          responses: {
            "200": { description: "Approved: the token", content: json(ref("Token")) },
            "400": {
              description:
                "authorization_pending, slow_down, access_denied, invalid_grant; expired_token when the code expired, or was approved from a browser session that has ended since (no token, then or later). error_description says which.",
              content: json(ref("OAuthError")),
            },
            "401": { description: "Unknown client", content: json(ref("OAuthError")) },
            "413": { description: "The body is too large", content: json(ref("OAuthError")) },
            "429": { description: "Too many requests", content: json(ref("OAuthError")) },
          },
        },
      },
      "/me": {
        get: {
          summary: "Who the token belongs to",
          security: bearer,
          responses: {
            "200": { description: "OK", content: json(ref("Me")) },
            ...errors(401, 429, 503),
          },
        },
      },
      "/roles": {
        get: {
          summary: "The roles the caller may use, grouped by account",
          security: bearer,
          parameters: [
            {
              name: "filter",
              in: "query",
              required: false,
              description:
                "The accounts page's search: every word in the account's or role's names, labels or descriptions, or beginning the account id; when nothing matches so, a word of 4+ letters may be a slip or two away from a word's start (docs/API.md).",
              schema: { type: "string", maxLength: 200 },
            },
          ],
          responses: {
            "200": { description: "OK", content: json(ref("Roles")) },
            ...errors(400, 401, 429, 503),
          },
        },
      },
      "/credentials": {
        post: {
          summary: "Short-lived CLI credentials for a role",
          security: bearer,
          requestBody: { required: true, content: json(ref("CredentialsRequest")) },
          responses: {
            "200": { description: "Credentials (never cached)", content: json(ref("Credentials")) },
            ...errors(400, 401, 403, 404, 409, 413, 415, 429, 502, 503),
          },
        },
      },
      "/console": {
        post: {
          summary: "A one-time AWS console sign-in URL for a role",
          security: bearer,
          requestBody: { required: true, content: json(ref("ConsoleRequest")) },
          responses: {
            "200": {
              description: "Sign-in URL (never cached)",
              content: json(ref("ConsoleSignIn")),
            },
            ...errors(400, 401, 403, 404, 409, 413, 415, 429, 502, 503),
          },
        },
      },
      "/token": {
        delete: {
          summary: "Revoke the calling token (logout)",
          security: bearer,
          responses: { "204": { description: "Revoked" }, ...errors(401, 503) },
        },
      },
    },
  };
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request is not valid",
  401: "No token, or an unknown, expired or revoked one",
  403: "Not allowed (e.g. an MFA sign-in is needed, or the output is not granted)",
  404: "No such role, or not the caller's",
  409: "Ambiguous role reference, a SAML assertion is needed, or the broker is locked",
  413: "The request body is too large",
  415: "The body is not sent as Content-Type: application/json",
  429: "Too many requests (Retry-After)",
  502: "AWS refused",
  503: "AWS, the audit log or the database is unavailable (Retry-After)",
};
