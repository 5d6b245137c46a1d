/**
 * SAML test fixtures: keys generated at test time, signed Responses (portal- and AWS-targeted),
 * hostile variants, and binding encoders. See README.md in this folder.
 */
export * from "./attacks";
export * from "./bindings";
export * from "./build-response";
export * from "./constants";
export * from "./sign";
export * from "./test-keys";
export * from "./build-logout-response";
