import type { Logger } from "@pms/log";
import type { TokenClaims } from "@pms/jwt";

/** Variables set on the Hono context by the shared middleware. */
export interface AppVariables {
  /** The request id: the caller's `X-Request-Id` when it is sane, else a new UUID. */
  requestId: string;
  /** The W3C trace id (32 hex digits) of the caller's `traceparent`, else a new one. */
  traceId: string;
  /** The `traceparent` to send to the next hop. */
  traceparent: string;
  /** A logger carrying the request id and trace id. */
  logger: Logger;
  /** The verified token claims, set by {@linkcode jwtAuth}. */
  user: TokenClaims;
  /** The request body, when a middleware has read it already (the gateway's body timeout). */
  requestBody: ArrayBuffer | undefined;
  /**
   * The level of the request's access line when not `info`: a route polled every second (auth's
   * revocation list) sets `debug`, so the log is not flooded with its calls.
   */
  accessLogLevel: "debug" | undefined;
}

/** The Hono environment of every service in this project. */
export interface AppEnv {
  /** Typed context variables. */
  Variables: AppVariables;
}
