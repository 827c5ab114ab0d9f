import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "@pms/http";

/** Options for {@linkcode securityHeaders}. */
export interface SecurityHeadersOptions {
  /** Path prefixes served as documents a browser renders (HTML, scripts): default `["/docs"]`. */
  documentPaths?: string[];
}

/**
 * Response headers for browsers, two sets (Hono's `secureHeaders`):
 *
 * - **API answers** (JSON, every path but the documents): only the headers that act on a response
 *   no browser renders as a page, as the OWASP REST Security Cheat Sheet lists them:
 *   `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`, `X-Frame-Options: DENY`,
 *   `X-Content-Type-Options: nosniff`, `Strict-Transport-Security`, and
 *   `Cross-Origin-Resource-Policy: same-origin` (no cross-origin `no-cors` read of patient data).
 *   The seven others of Hono's default set steer a rendered page (referrer, opener, DNS prefetch,
 *   agent cluster) or obsolete browsers (IE's download prompt and XSS filter, Flash's
 *   cross-domain policy); each header costs the gateway about 3 µs of CPU a response
 *   (`deno task bench:gateway`), so JSON answers go without them.
 * - **Documents** (`/docs`: Swagger UI's page and assets): Hono's whole default set, with a policy
 *   that lets the page load its own scripts, styles and inline images.
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler<AppEnv> {
  const documentPaths = options.documentPaths ?? ["/docs"];
  const forDocuments = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
    crossOriginEmbedderPolicy: false,
  });
  const forApi = secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    xFrameOptions: "DENY",
    xContentTypeOptions: true,
    strictTransportSecurity: true,
    crossOriginResourcePolicy: true,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  });
  const isDocument = (path: string) =>
    documentPaths.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  return async function securityHeaders(c, next) {
    await (isDocument(c.req.path) ? forDocuments : forApi)(c, next);
  };
}
