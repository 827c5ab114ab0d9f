import assert from "node:assert/strict";
import { HTTPException } from "hono/http-exception";
import { searchQuery } from "./search_query.ts";

const paging = { defaultSize: 20, maxSize: 100 };
const CODES = { booked: "BOOKED", cancelled: "CANCELLED" };
const SYSTEM = "http://hl7.org/fhir/appointmentstatus";
const statusOf = (query: string) =>
  searchQuery(`http://x/fhir/R4/Appointment?${query}`, ["status"], paging)
    .codes("status", CODES, SYSTEM);

Deno.test("searchQuery() codes() takes a code, a system|code and comma alternatives", () => {
  assert.equal(statusOf(""), undefined);
  assert.deepEqual(statusOf("status=booked"), ["BOOKED"]);
  assert.deepEqual(statusOf(`status=${encodeURIComponent(`${SYSTEM}|cancelled`)}`), [
    "CANCELLED",
  ]);
  assert.deepEqual(statusOf(`status=booked,${SYSTEM}|cancelled`), ["BOOKED", "CANCELLED"]);
});

Deno.test("searchQuery() codes() refuses an unknown code or another system with a 400", () => {
  for (
    const query of ["status=arrivedish", "status=http://other.org/cs|booked", "status=booked,"]
  ) {
    assert.throws(
      () => statusOf(query),
      (e) => e instanceof HTTPException && e.status === 400,
      query,
    );
  }
});
