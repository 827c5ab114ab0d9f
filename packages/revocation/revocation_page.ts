import { z } from "zod";

/** An ended session: every token carrying its `sid` is refused. */
export const sessionRevocationSchema = z.object({
  /** The session's id (the tokens' `sid`). */
  sessionId: z.string().min(1),
  /** Epoch seconds after which no token of the session can still be alive (the entry is dropped). */
  expires: z.number().int(),
});

/** A user whose older tokens are all refused (disable, role change, password or MFA reset). */
export const userRevocationSchema = z.object({
  /** The user's id (the tokens' `uid`). */
  userId: z.string().min(1),
  /** Epoch seconds: the user's tokens with an earlier `iat` are refused. */
  issuedBefore: z.number().int(),
  /** Epoch seconds after which no token it refuses can still be alive. */
  expires: z.number().int(),
});

/**
 * One answer of auth's `GET /revocations?since=<cursor>`: the revocations recorded after
 * `cursor` (those whose tokens have all expired left out), in the order they were recorded.
 */
export const revocationPageSchema = z.object({
  /** Where the next request starts (`since`). */
  cursor: z.number().int().nonnegative(),
  /** True when the page was full: ask again at once. */
  more: z.boolean(),
  revocations: z.array(z.union([sessionRevocationSchema, userRevocationSchema])),
});

/** One answer of auth's `GET /revocations`. */
export type RevocationPage = z.infer<typeof revocationPageSchema>;

/** One revocation: of a session, or of a user's tokens issued before a time. */
export type Revocation = RevocationPage["revocations"][number];
