/**
 * The upstream of `deno task bench:gateway`: answers the gateway's key fetch with the JWKS in
 * `JWKS`, its revocation poll with an empty list, and every other GET with fixed bodies shaped like the patient service's (one patient, or
 * a page of 50), headers included, so the gateway's own cost can be measured without a database.
 * `deno run --allow-net --allow-env fixed_upstream.ts`, port from `PORT`.
 *
 * @module
 */
const jwks = Deno.env.get("JWKS") ?? '{"keys":[]}';
const patient = (i: number) => ({
  id: crypto.randomUUID(),
  name: `Patient ${i}`,
  email: `patient.${i}@example.com`,
  address: `${i} Bench Street`,
  dateOfBirth: "1980-01-01",
  registeredDate: "2024-01-01",
  version: 1,
  updatedAt: "2026-11-27T06:00:00.000Z",
});
const one = JSON.stringify(patient(1));
const page = JSON.stringify(Array.from({ length: 50 }, (_, i) => patient(i)));
const headers = (id: string | null): [string, string][] => [
  ["content-type", "application/json"],
  ["cache-control", "no-store"],
  ["etag", 'W/"1"'],
  ["x-request-id", id ?? ""],
];

Deno.serve(
  { port: Number(Deno.env.get("PORT") ?? 8000), hostname: "127.0.0.1", onListen() {} },
  (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/health") return new Response("ok");
    if (path === "/.well-known/jwks.json") {
      return new Response(jwks, { headers: { "content-type": "application/json" } });
    }
    if (path === "/revocations") return Response.json({ cursor: 0, more: false, revocations: [] });
    const body = path === "/patients" ? page : one;
    return new Response(body, { headers: headers(req.headers.get("x-request-id")) });
  },
);
