/**
 * The containers' health probe: `GET http://127.0.0.1:<port>/health`, exit status 0 when the
 * service answers 2xx, 1 otherwise. The port is `PORT`, else the catalog's port of `SERVICE` (the
 * image sets `SERVICE`), so the probe works whether or not the deployment sets `PORT`. The
 * Dockerfile's HEALTHCHECK runs it with nothing more than it needs:
 *
 *     deno run --allow-env=PORT,SERVICE --allow-net=127.0.0.1 services/healthcheck.ts
 *
 * @module
 */
import catalog from "./catalog.json" with { type: "json" };

function fail(message: string): never {
  Deno.stderr.writeSync(new TextEncoder().encode(`healthcheck: ${message}\n`));
  Deno.exit(1);
}

const service = Deno.env.get("SERVICE");
const port = Deno.env.get("PORT") || catalog.services.find((s) => s.name === service)?.port;
if (!port) fail(`no PORT, and SERVICE (${service ?? "unset"}) is not in services/catalog.json`);

let status: number;
try {
  const response = await fetch(`http://127.0.0.1:${port}/health`, {
    signal: AbortSignal.timeout(4_000),
  });
  await response.body?.cancel();
  status = response.status;
} catch (error) {
  fail(`port ${port}: ${(error as Error).message}`);
}
if (status < 200 || status > 299) fail(`port ${port}: /health answered ${status}`);
