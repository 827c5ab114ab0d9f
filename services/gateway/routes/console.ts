import { Hono } from "hono";
import { type AppEnv, jsonError } from "@pms/http";

/** The console's files (`services/gateway/console/`), by name, with their media types. */
const FILES: Record<string, string> = {
  "app.js": "text/javascript; charset=utf-8",
  "api.js": "text/javascript; charset=utf-8",
  "dom.js": "text/javascript; charset=utf-8",
  "session.js": "text/javascript; charset=utf-8",
  "screens.js": "text/javascript; charset=utf-8",
  "clinic.js": "text/javascript; charset=utf-8",
  "oversight.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
};

const DIR = new URL("../console/", import.meta.url);
const cache = new Map<string, Uint8Array>();

async function read(name: string): Promise<Uint8Array> {
  let body = cache.get(name);
  if (!body) {
    body = await Deno.readFile(new URL(name, DIR));
    cache.set(name, body);
  }
  return body;
}

/**
 * `/app`: the staff console, static files the gateway serves itself (no build step, nothing
 * loaded from elsewhere). The page calls the same public API as any client, with the signed-in
 * user's token kept in memory. Not audited: the files hold no patient data; the calls the page
 * makes are audited by the services that answer them.
 */
export const consoleRoutes = new Hono<AppEnv>()
  .get("/", async (c) =>
    c.body((await read("index.html")).slice().buffer, 200, {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-cache",
    }))
  .get("/assets/:file", async (c) => {
    const file = c.req.param("file");
    // Own keys only: `constructor`, `__proto__` and the like are names of no file.
    const type = Object.hasOwn(FILES, file) ? FILES[file] : undefined;
    if (!type) throw jsonError(404, "Not found");
    return c.body((await read(file)).slice().buffer, 200, {
      "Content-Type": type,
      "Cache-Control": "no-cache",
    });
  });
