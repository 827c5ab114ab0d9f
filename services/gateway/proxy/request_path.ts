import type { Context, MiddlewareHandler } from "hono";
import { type AppEnv, jsonError } from "@pms/http";
import { sentTarget } from "./connection.ts";

const INVALID_PATH = "Invalid request path";
/** The folders of the gateway's own files: no file there has an ambiguous name. */
const ASSET_FOLDERS = ["/docs/assets/", "/app/assets/"];

/**
 * The path of a request URL exactly as the client sent it: dot segments kept, nothing decoded,
 * no query. (`new URL(url).pathname` would resolve `..` and `%2e%2e`, which is how a path can
 * leave the prefix it was routed by.)
 */
export function rawPath(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return url.slice(start, query === -1 ? undefined : query);
}

/**
 * The path of the request as the client sent it. The server behind `serveBounded` builds the
 * request URL with dot segments resolved (`/api/%2e%2e/health` becomes `/health`), so the target
 * it kept as sent is read when there is one.
 */
export function sentPath(c: Context<AppEnv>): string {
  const target = sentTarget(c);
  if (target === undefined) return rawPath(c.req.url);
  if (!target.startsWith("/")) return rawPath(target);
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}

/**
 * True when a raw path could mean another path to some server on the way: a `.` or `..`
 * segment, literal or percent-encoded (also double- or triple-encoded, and behind an encoded
 * `/`), a backslash (some servers read it as `/`), a control character, or a malformed `%`.
 */
export function isAmbiguousPath(path: string): boolean {
  let current = path;
  for (let depth = 0; depth < 4; depth++) {
    // deno-lint-ignore no-control-regex
    if (/[\\\x00-\x1f\x7f]/.test(current)) return true;
    if (current.split("/").some((segment) => segment === "." || segment === "..")) return true;
    if (!current.includes("%")) return false;
    try {
      current = decodeURIComponent(current);
    } catch {
      return true;
    }
  }
  return true;
}

/**
 * Answers `400 {"message"}` to a request whose path is ambiguous (see
 * {@linkcode isAmbiguousPath}); under the gateway's own asset folders (`/docs/assets/`,
 * `/app/assets/`) `404 {"message":"Not found"}`, as for any name of no file there.
 */
export function pathGuard(): MiddlewareHandler<AppEnv> {
  return async function pathGuard(c, next) {
    const path = sentPath(c);
    if (isAmbiguousPath(path)) {
      c.get("logger")?.warn("ambiguous request path refused");
      if (ASSET_FOLDERS.some((folder) => path.startsWith(folder))) {
        throw jsonError(404, "Not found");
      }
      throw jsonError(400, INVALID_PATH);
    }
    await next();
  };
}

/**
 * The raw path with `prefix` cut off, for the upstream. The router matched a decoded path, so
 * the raw one may spell the prefix differently (`/%61pi/...`); that is refused with `400`.
 */
export function upstreamPath(url: string, prefix: string): string {
  const path = rawPath(url);
  if (path === prefix) return "/";
  if (!path.startsWith(`${prefix}/`)) throw jsonError(400, INVALID_PATH);
  return path.slice(prefix.length);
}
