import { SEARCH_PARAMS } from "./fhir_search.ts";

const SEARCH_PARAM_TYPES: Record<(typeof SEARCH_PARAMS)[number], string> = {
  name: "string",
  family: "string",
  given: "string",
  birthdate: "date",
  email: "token",
  _id: "token",
  _count: "number",
  _sort: "string",
};

const DOCUMENTATION: Record<(typeof SEARCH_PARAMS)[number], string> = {
  name: "Each word begins a word of the name, in any case or accent",
  family: "The family name (the name's last word) begins with it, in any case or accent",
  given: "A given name (a word before the last) begins with it, in any case or accent",
  birthdate: "YYYY, YYYY-MM or YYYY-MM-DD after an optional prefix eq, ne, gt, lt, ge, le; " +
    "repeated: all must hold",
  email: "The email, in any case",
  _id: "Patient ids, comma-separated",
  _count: "Page size, 1 to 100 (default 50); pages follow the Bundle's next link",
  _sort: "name, birthdate or _lastUpdated, '-' in front for descending; ties by id",
};

// The base SearchParameter each supported parameter is (R4 core definitions).
const DEFINITION: Partial<Record<(typeof SEARCH_PARAMS)[number], string>> = {
  name: "http://hl7.org/fhir/SearchParameter/Patient-name",
  family: "http://hl7.org/fhir/SearchParameter/individual-family",
  given: "http://hl7.org/fhir/SearchParameter/individual-given",
  birthdate: "http://hl7.org/fhir/SearchParameter/individual-birthdate",
  email: "http://hl7.org/fhir/SearchParameter/individual-email",
  _id: "http://hl7.org/fhir/SearchParameter/Resource-id",
};

/** A resource another service serves under the same base (the gateway routes it there). */
interface ServedElsewhere {
  type: string;
  /** Its search parameters: name, type and what it does. */
  search: [string, string, string][];
  /** Read-only resources computed on the fly (Slot) have no `read`. */
  read?: boolean;
}

const DATE_PREFIXES =
  "after an optional prefix eq, ne, gt, lt, ge, le (a partial date is its whole span); " +
  "repeated: all must hold";
const DATE_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 time";
const ANY_OF = "comma-separated: any of them";
const COUNT: [string, string, string] = ["_count", "number", "Page size, 1 to 100 (default 50)"];

/** The resources of the scheduling and clinical services: read and search only. */
export const SERVED_ELSEWHERE: ServedElsewhere[] = [
  {
    type: "Appointment",
    search: [
      ["patient", "reference", "The patient: <id> or Patient/<id>"],
      ["date", "date", `The start: ${DATE_FORMS} ${DATE_PREFIXES}`],
      [
        "status",
        "token",
        "booked, arrived, fulfilled, cancelled or noshow, or " +
        `http://hl7.org/fhir/appointmentstatus|<code>; ${ANY_OF}`,
      ],
      COUNT,
    ],
  },
  {
    type: "Schedule",
    search: [
      ["actor", "reference", "Practitioner/<userId>, Location/<scheduleId>, or a bare id (either)"],
      COUNT,
    ],
  },
  {
    type: "Slot",
    read: false,
    search: [
      ["schedule", "reference", "Required: <id> or Schedule/<id>"],
      ["start", "date", `${DATE_FORMS} ${DATE_PREFIXES}; at most 31 days`],
      COUNT,
    ],
  },
  {
    type: "Encounter",
    search: [
      ["patient", "reference", "The patient: <id> or Patient/<id>"],
      [
        "status",
        "token",
        `in-progress, finished or cancelled, or http://hl7.org/fhir/encounter-status|<code>; ${ANY_OF}`,
      ],
      ["date", "date", `The start: ${DATE_FORMS} ${DATE_PREFIXES}`],
      COUNT,
    ],
  },
  {
    type: "Observation",
    search: [
      ["patient", "reference", "The patient: <id> or Patient/<id>"],
      ["code", "token", `A LOINC vital-sign code: <code> or http://loinc.org|<code>; ${ANY_OF}`],
      ["date", "date", `The effective time: ${DATE_FORMS} ${DATE_PREFIXES}`],
      ["category", "token", "vital-signs"],
      COUNT,
    ],
  },
];

/**
 * The facade's CapabilityStatement (`GET /fhir/R4/metadata`): an active `instance` statement for
 * FHIR 4.0.1 in JSON: `Patient` with its seven interactions (read, vread, update, delete,
 * history-instance, create, search-type), versioned, no update-as-create, no conditional
 * interactions, and the search parameters it supports; then the resources other services serve
 * under the same base (read and search), and `Group` for its export. `date` is when the service
 * started.
 */
export function capabilityStatement(base: string, date: string): Record<string, unknown> {
  return {
    resourceType: "CapabilityStatement",
    url: `${base}/metadata`,
    name: "PatientManagementFhirR4",
    title: "Patient Management System FHIR R4 facade",
    status: "active",
    date,
    publisher: "Patient Management System",
    description: "Patients of the patient service as FHIR R4 Patient resources: the same " +
      "records, versions, history, events and audit trail as its REST API.",
    kind: "instance",
    software: { name: "Patient Management System patient service" },
    implementation: { description: "Patient Management System FHIR R4 facade", url: base },
    fhirVersion: "4.0.1",
    format: ["json"],
    rest: [{
      mode: "server",
      documentation: "Every call but this one needs `Authorization: Bearer <token>` from " +
        "POST /auth/login; roles as the role matrix of the contract says.",
      security: {
        description: "Bearer JSON Web Token (EdDSA) issued by the auth service; errors are " +
          "OperationOutcomes (401 login, 403 forbidden).",
      },
      resource: [
        {
          type: "Patient",
          profile: "http://hl7.org/fhir/StructureDefinition/Patient",
          interaction: [
            "read",
            "vread",
            "update",
            "delete",
            "history-instance",
            "create",
            "search-type",
          ].map((code) => ({ code })),
          versioning: "versioned",
          readHistory: true,
          updateCreate: false,
          conditionalCreate: false,
          conditionalRead: "not-supported",
          conditionalUpdate: false,
          conditionalDelete: "not-supported",
          searchParam: SEARCH_PARAMS.map((name) => ({
            name,
            ...(DEFINITION[name] && { definition: DEFINITION[name] }),
            type: SEARCH_PARAM_TYPES[name],
            documentation: DOCUMENTATION[name],
          })),
          operation: [{
            name: "everything",
            definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything",
            documentation: "The Patient with its Appointments, Encounters and Observations " +
              "(_since, _type, _count).",
          }],
        },
        ...SERVED_ELSEWHERE.map((r) => ({
          type: r.type,
          profile: `http://hl7.org/fhir/StructureDefinition/${r.type}`,
          interaction: [...(r.read === false ? [] : ["read"]), "search-type"].map((code) => ({
            code,
          })),
          versioning: "no-version",
          readHistory: false,
          updateCreate: false,
          searchParam: r.search.map(([name, type, documentation]) => ({
            name,
            type,
            documentation,
          })),
        })),
        {
          // A patient group is served for its Bulk Data export only (its REST API is /api/groups).
          type: "Group",
          profile: "http://hl7.org/fhir/StructureDefinition/Group",
          operation: [{
            name: "export",
            definition: "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export",
            documentation:
              "GET [base]/Group/{id}/$export with Prefer: respond-async: the group's " +
              "patients and their resources, ADMIN only.",
          }],
        },
      ],
      // Bulk Data export at the system level; a group's is the Group's operation (there is no
      // Patient-level `Patient/$export`).
      operation: [{
        name: "export",
        definition: "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
        documentation: "GET [base]/$export with Prefer: respond-async: every exportable " +
          "patient and their resources, ADMIN only (a group's: GET [base]/Group/{id}/$export).",
      }],
    }],
  };
}
