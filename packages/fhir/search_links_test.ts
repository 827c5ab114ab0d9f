import assert from "node:assert/strict";
import { searchLinks } from "./search_links.ts";

const BASE = "http://localhost:4004/fhir/R4";
const url = (query: string) => `http://scheduling:4007/fhir/R4/Appointment${query}`;

Deno.test("searchLinks() of the first page has self and next, no previous", () => {
  const links = searchLinks(BASE, url("?patient=p1&_count=2"), "Appointment", {
    offset: 0,
    count: 2,
    total: 5,
  });
  assert.deepEqual(links, {
    self: `${BASE}/Appointment?patient=p1&_count=2`,
    next: `${BASE}/Appointment?patient=p1&_count=2&_offset=2`,
    previous: undefined,
  });
});

Deno.test("searchLinks() of a middle page has next and previous at _offset", () => {
  const links = searchLinks(BASE, url("?_count=2&_offset=3"), "Appointment", {
    offset: 3,
    count: 2,
    total: 7,
  });
  assert.equal(links.next, `${BASE}/Appointment?_count=2&_offset=5`);
  assert.equal(links.previous, `${BASE}/Appointment?_count=2&_offset=1`);
});

Deno.test("searchLinks() of the last page, or past it, has a previous page with matches", () => {
  const last = searchLinks(BASE, url("?_count=2&_offset=6"), "Appointment", {
    offset: 6,
    count: 2,
    total: 7,
  });
  assert.equal(last.next, undefined);
  assert.equal(last.previous, `${BASE}/Appointment?_count=2&_offset=4`);
  const past = searchLinks(BASE, url("?_count=2&_offset=40"), "Appointment", {
    offset: 40,
    count: 2,
    total: 7,
  });
  assert.equal(past.previous, `${BASE}/Appointment?_count=2&_offset=5`);
});
