import assert from "node:assert/strict";
import { linkHeader } from "./link_header.ts";

Deno.test("linkHeader() gives first, prev, next and last with size and search kept", () => {
  const header = linkHeader({ path: "/api/patients", page: 1, size: 5, total: 12, search: "a&b" });
  assert.equal(
    header,
    '</api/patients?page=0&size=5&search=a%26b>; rel="first", ' +
      '</api/patients?page=0&size=5&search=a%26b>; rel="prev", ' +
      '</api/patients?page=2&size=5&search=a%26b>; rel="next", ' +
      '</api/patients?page=2&size=5&search=a%26b>; rel="last"',
  );
});

Deno.test("linkHeader() leaves out prev on the first page and next on the last", () => {
  const first = linkHeader({ path: "/patients", page: 0, size: 50, total: 15 });
  assert.equal(
    first,
    '</patients?page=0&size=50>; rel="first", </patients?page=0&size=50>; rel="last"',
  );
  const empty = linkHeader({ path: "/patients", page: 0, size: 10, total: 0 });
  assert.doesNotMatch(empty, /next|prev/);
});

Deno.test("linkHeader() keeps every filter given", () => {
  const header = linkHeader({
    path: "/auth/users",
    page: 0,
    size: 10,
    total: 5,
    filters: { role: "CLINICIAN", search: undefined },
  });
  assert.equal(
    header,
    '</auth/users?page=0&size=10&role=CLINICIAN>; rel="first", ' +
      '</auth/users?page=0&size=10&role=CLINICIAN>; rel="last"',
  );
});
