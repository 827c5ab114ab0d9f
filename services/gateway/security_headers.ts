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
 * - **The console** (`/app`): Hono's whole default set with a strict policy: its own scripts and
 *   styles only (no `unsafe-inline`, no `unsafe-eval`), calls to the gateway alone, no framing.
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
  // The console: its own scripts and styles only, no inline code, no framing, calls to the
  // gateway alone.
  const forConsole = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
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
    const path = c.req.path;
    const headers = path === "/app" || path.startsWith("/app/")
      ? forConsole
      : isDocument(path)
      ? forDocuments
      : forApi;
    await headers(c, next);
  };
}
