import assert from "node:assert/strict";
import { fhirProblems } from "@pms/testing/fhir";
import { asOperationOutcome, FHIR_JSON, fhirError, isFhirResponse, issueCodeOf } from "./mod.ts";

Deno.test("issueCodeOf() gives the contract's IssueType for each status", () => {
  const codes = Object.fromEntries(
    [400, 401, 403, 404, 405, 409, 410, 412, 413, 415, 422, 429, 500, 502, 503, 504].map((s) => [
      s,
      issueCodeOf(s),
    ]),
  );
  assert.deepEqual(codes, {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "duplicate",
    410: "deleted",
    412: "conflict",
    413: "too-long",
    415: "not-supported",
    422: "business-rule",
    429: "throttled",
    500: "exception",
    502: "exception",
    503: "exception",
    504: "exception",
  });
  assert.equal(issueCodeOf(400, "Name is required"), "required");
});

Deno.test("fhirError() answers an OperationOutcome with its status, code and headers", async () => {
  const res = fhirError(412, "Patient was changed by someone else", {
    headers: { ETag: 'W/"2"' },
  }).getResponse();
  assert.equal(res.status, 412);
  assert.equal(res.headers.get("Content-Type"), FHIR_JSON);
  assert.equal(res.headers.get("ETag"), 'W/"2"');
  const body = await res.json();
  assert.deepEqual(body, {
    resourceType: "OperationOutcome",
    issue: [{
      severity: "error",
      code: "conflict",
      diagnostics: "Patient was changed by someone else",
    }],
  });
  assert.deepEqual(fhirProblems(body), []);
});

Deno.test("asOperationOutcome() turns JSON errors into OperationOutcomes and keeps the rest", async () => {
  const message = await asOperationOutcome(
    Response.json({ message: "Missing or malformed bearer token" }, {
      status: 401,
      headers: { "WWW-Authenticate": "Bearer", "X-Request-Id": "r1" },
    }),
  );
  assert.equal(message.status, 401);
  assert.ok(isFhirResponse(message));
  assert.equal(message.headers.get("WWW-Authenticate"), "Bearer");
  assert.equal(message.headers.get("X-Request-Id"), "r1");
  const outcome = await message.json();
  assert.deepEqual(outcome.issue, [{
    severity: "error",
    code: "login",
    diagnostics: "Missing or malformed bearer token",
  }]);
  assert.deepEqual(fhirProblems(outcome), []);

  const fields = await asOperationOutcome(
    Response.json({ name: "Name is required", email: "Email should be valid" }, { status: 400 }),
    { name: "Patient.name[0]" },
  );
  const issues = (await fields.json()).issue;
  assert.deepEqual(issues, [
    {
      severity: "error",
      code: "required",
      diagnostics: "Name is required",
      expression: ["Patient.name[0]"],
    },
    { severity: "error", code: "invalid", diagnostics: "Email should be valid" },
  ]);

  const text = await asOperationOutcome(new Response("upstream says no", { status: 502 }));
  assert.equal((await text.json()).issue[0].code, "exception");

  const ok = new Response("{}", { status: 200 });
  assert.equal(await asOperationOutcome(ok), ok);
});
