/**
 * The ceiling for the HTTP figures: a bare Hono handler on Deno answering a page of 50 patients
 * from memory (no auth, no database). `deno run --allow-net --allow-env bare_hono.ts`, port from
 * `PORT`.
 *
 * @module
 */
import { Hono } from "hono";

const page = Array.from({ length: 50 }, (_, i) => ({
  id: crypto.randomUUID(),
  name: `Patient ${i}`,
  email: `patient.${i}@example.com`,
  address: "1 Bench Street",
  dateOfBirth: "1980-01-01",
  registeredDate: "2024-01-01",
}));
const app = new Hono().get("/patients", (c) => c.json(page));
Deno.serve(
  { port: Number(Deno.env.get("PORT") ?? 8000), hostname: "127.0.0.1", onListen() {} },
  app.fetch,
);
