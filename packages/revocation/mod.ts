/**
 * Sessions that end everywhere: auth records every revocation (an ended session, or a user's
 * older tokens) and answers them at `GET /revocations?since=<cursor>`; every token-verifying
 * service polls that list ({@linkcode createRevocationFeed}) and refuses what it names
 * ({@linkcode RevocationState}), and refuses tokens older than a minute while it has not heard
 * from auth for 30 s.
 *
 * @module
 */
export {
  createRevocationFeed,
  type RevocationFeed,
  type RevocationFeedOptions,
} from "./create_revocation_feed.ts";
export {
  type Revocation,
  type RevocationPage,
  revocationPageSchema,
  sessionRevocationSchema,
  userRevocationSchema,
} from "./revocation_page.ts";
export { RevocationState, type RevocationStateOptions } from "./revocation_state.ts";
export { revocationsUrl } from "./revocations_url.ts";
