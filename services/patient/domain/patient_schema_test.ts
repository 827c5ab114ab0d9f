import assert from "node:assert/strict";
import { fieldErrors } from "@pms/http";
import { CreatePatient, MESSAGES, PatientIdParam, UpdatePatient } from "./patient_schema.ts";

const valid = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  address: "12 St James's Square",
  dateOfBirth: "1985-12-10",
  registeredDate: "2024-11-01",
};

function errors(schema: typeof CreatePatient | typeof UpdatePatient, body: unknown) {
  const result = schema.safeParse(body);
  return result.success ? {} : fieldErrors(result.error);
}

Deno.test("CreatePatient accepts a valid body and trims it", () => {
  const result = CreatePatient.parse({ ...valid, name: "  Ada  " });
  assert.equal(result.name, "Ada");
});

Deno.test("CreatePatient gives the reference's message for each missing field", () => {
  assert.deepEqual(errors(CreatePatient, {}), {
    name: MESSAGES.nameRequired,
    email: MESSAGES.emailRequired,
    address: MESSAGES.addressRequired,
    dateOfBirth: MESSAGES.dateOfBirthRequired,
    registeredDate: MESSAGES.registeredDateRequired,
  });
  assert.equal(MESSAGES.nameRequired, "Name is required");
  assert.equal(MESSAGES.emailRequired, "Email is required");
  assert.equal(MESSAGES.addressRequired, "Address is required");
  assert.equal(MESSAGES.dateOfBirthRequired, "Date of birth is required");
  assert.equal(MESSAGES.registeredDateRequired, "Registered date is required");
});

Deno.test("CreatePatient treats null, empty and blank as missing", () => {
  for (const blank of [null, "", "   "]) {
    assert.deepEqual(errors(CreatePatient, { ...valid, name: blank }), {
      name: "Name is required",
    });
    assert.deepEqual(errors(CreatePatient, { ...valid, email: blank }), {
      email: "Email is required",
    });
    assert.deepEqual(errors(CreatePatient, { ...valid, address: blank }), {
      address: "Address is required",
    });
    assert.deepEqual(errors(CreatePatient, { ...valid, dateOfBirth: blank }), {
      dateOfBirth: "Date of birth is required",
    });
    assert.deepEqual(errors(CreatePatient, { ...valid, registeredDate: blank }), {
      registeredDate: "Registered date is required",
    });
  }
});

Deno.test("CreatePatient limits lengths and checks the email", () => {
  assert.deepEqual(errors(CreatePatient, { ...valid, name: "x".repeat(101) }), {
    name: "Name cannot exceed 100 characters",
  });
  assert.deepEqual(errors(CreatePatient, { ...valid, name: "x".repeat(100) }), {});
  for (const email of ["plainaddress", "a@", "@b.com", "a b@c.com", `${"a".repeat(250)}@b.com`]) {
    assert.deepEqual(errors(CreatePatient, { ...valid, email }), {
      email: "Email should be valid",
    });
  }
  assert.deepEqual(errors(CreatePatient, { ...valid, address: "x".repeat(256) }), {
    address: MESSAGES.addressTooLong,
  });
});

Deno.test("CreatePatient rejects impossible and future dates with their own messages", () => {
  for (const dateOfBirth of ["2023-02-30", "2023-13-01", "abc", "1985-6-15", "15/06/1985"]) {
    assert.deepEqual(errors(CreatePatient, { ...valid, dateOfBirth }), {
      dateOfBirth: MESSAGES.dateOfBirthInvalid,
    });
  }
  assert.deepEqual(errors(CreatePatient, { ...valid, dateOfBirth: "2999-01-01" }), {
    dateOfBirth: "Date of birth cannot be in the future",
  });
  assert.deepEqual(errors(CreatePatient, { ...valid, registeredDate: "2024-02-30" }), {
    registeredDate: MESSAGES.registeredDateInvalid,
  });
  assert.deepEqual(errors(CreatePatient, { ...valid, dateOfBirth: "2024-02-29" }), {});
});

Deno.test("CreatePatient rejects wrong types and unknown fields, keyed by field", () => {
  const wrong = errors(CreatePatient, { ...valid, name: 42, email: ["a"], dateOfBirth: true });
  assert.deepEqual(Object.keys(wrong).sort(), ["dateOfBirth", "email", "name"]);
  assert.deepEqual(errors(CreatePatient, { ...valid, role: "ADMIN" }), { role: "Unknown field" });
  assert.deepEqual(errors(CreatePatient, { ...valid, id: "anything" }), {}, "id is ignored");
});

Deno.test("UpdatePatient makes registeredDate optional", () => {
  const { registeredDate: _, ...rest } = valid;
  assert.deepEqual(errors(UpdatePatient, rest), {});
  assert.deepEqual(errors(UpdatePatient, { ...rest, name: "" }), { name: "Name is required" });
});

Deno.test("PatientIdParam accepts UUIDs only", () => {
  assert.ok(PatientIdParam.safeParse({ id: "123e4567-e89b-12d3-a456-426614174000" }).success);
  for (const id of ["1", "' or 1=1 --", "123e4567-e89b-12d3-a456-42661417400", "../x"]) {
    const result = PatientIdParam.safeParse({ id });
    assert.equal(result.success, false, id);
    assert.equal(result.error?.issues[0]?.message, "Invalid patient id");
  }
});

Deno.test("CreatePatient and UpdatePatient refuse text PostgreSQL cannot store as given", () => {
  for (const schema of [CreatePatient, UpdatePatient]) {
    assert.deepEqual(errors(schema, { ...valid, name: "Ada\u0000", address: "1\u0000 Street" }), {
      name: MESSAGES.nameInvalid,
      address: MESSAGES.addressInvalid,
    });
    assert.deepEqual(errors(schema, { ...valid, name: "Ada \ud800" }), {
      name: MESSAGES.nameInvalid,
    });
  }
  assert.deepEqual(errors(CreatePatient, { ...valid, name: "Zoë 👩‍⚕️ Ñúñez-O'Brien" }), {});
  assert.deepEqual(errors(CreatePatient, { ...valid, name: "\u0000" }), {
    name: MESSAGES.nameInvalid,
  });
});

Deno.test("CreatePatient and UpdatePatient refuse control characters and bidi overrides", () => {
  // C0 (tab and newline too), DEL, C1, and the overrides and isolates that reorder what is shown.
  const unsafe = [
    "\t",
    "\n",
    "\u0001",
    "\u001b[31m",
    "\u007f",
    "\u0085",
    "\u009b",
    "\u202e",
    "\u2066",
  ];
  for (const schema of [CreatePatient, UpdatePatient]) {
    for (const character of unsafe) {
      assert.deepEqual(
        errors(schema, { ...valid, name: `Ada${character}x`, address: `1${character}Street` }),
        { name: MESSAGES.nameInvalid, address: MESSAGES.addressInvalid },
        JSON.stringify(character),
      );
    }
  }
});

Deno.test("registeredDate may not precede dateOfBirth nor lie in the future", () => {
  for (const schema of [CreatePatient, UpdatePatient]) {
    assert.deepEqual(errors(schema, { ...valid, registeredDate: "1985-12-09" }), {
      registeredDate: MESSAGES.registeredDateBeforeBirth,
    });
    assert.deepEqual(errors(schema, { ...valid, registeredDate: "2999-01-01" }), {
      registeredDate: MESSAGES.registeredDateFuture,
    });
    assert.deepEqual(errors(schema, { ...valid, registeredDate: valid.dateOfBirth }), {});
  }
  const { registeredDate: _left, ...withoutRegistered } = valid;
  assert.deepEqual(errors(UpdatePatient, withoutRegistered), {});
});
