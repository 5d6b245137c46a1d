// Shared by the server and the add form (a client component), so the browser can refuse a file
// the server would refuse before posting it: a post over Next's server-action body limit (1 MB)
// never reaches the action and would end on the error page.

/** The largest IdP metadata document the portal reads, pasted, uploaded or fetched. */
export const MAX_METADATA_BYTES = 512 * 1024;

export const METADATA_TOO_LARGE = "The metadata is larger than 512 KiB.";
