import { isUniqueViolation, type Sql } from "@pms/db";
import {
  deletePatient,
  EMAIL_UNIQUE,
  findPatient,
  insertPatient,
  listPatients,
  type NewPatient,
  type PageQuery,
  type PatientPage,
  type PatientRecord,
  type PatientUpdate,
  updatePatient,
} from "../store/patient_store.ts";
import { queueChange } from "./outbox.ts";

/** Where a change came from. */
export interface ChangeContext {
  /** W3C `traceparent` of the request, carried on to the change's event. */
  traceparent?: string;
}

/** Raised when another patient has the email. */
export class DuplicateEmailError extends Error {
  /** Creates the error. */
  constructor() {
    super("Email address already exists");
    this.name = "DuplicateEmailError";
  }
}

/** The patient use cases. */
export interface PatientService {
  /** A page as JSON text (built by the database) and the total that match. */
  list(query: PageQuery): Promise<PatientPage>;
  get(id: string): Promise<PatientRecord | undefined>;
  /** @throws {DuplicateEmailError} */
  create(input: NewPatient & { id?: unknown }, context?: ChangeContext): Promise<PatientRecord>;
  /** Undefined for an unknown id. @throws {DuplicateEmailError} */
  update(
    id: string,
    input: PatientUpdate,
    context?: ChangeContext,
  ): Promise<PatientRecord | undefined>;
  /** False for an unknown id. */
  remove(id: string, context?: ChangeContext): Promise<boolean>;
}

async function mapDuplicate<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isUniqueViolation(error, EMAIL_UNIQUE)) throw new DuplicateEmailError();
    throw error;
  }
}

/**
 * The patient use cases on the service's own database. Each change and its event (and, for a
 * new patient, its billing request) are written in one transaction through the outbox.
 */
export function createPatientService(sql: Sql): PatientService {
  return {
    list: (query) => listPatients(sql, query),
    get: (id) => findPatient(sql, id),
    create(input, context = {}) {
      const { id: _ignored, ...fields } = input;
      return mapDuplicate(sql.begin(async (tx) => {
        const patient = await insertPatient(tx, crypto.randomUUID(), fields);
        await queueChange(tx, "PATIENT_CREATED", patient, context.traceparent);
        return patient;
      }));
    },
    update(id, input, context = {}) {
      return mapDuplicate(sql.begin(async (tx) => {
        const patient = await updatePatient(tx, id, input);
        if (patient) await queueChange(tx, "PATIENT_UPDATED", patient, context.traceparent);
        return patient;
      }));
    },
    remove(id, context = {}) {
      return sql.begin(async (tx) => {
        const patient = await deletePatient(tx, id);
        if (patient) await queueChange(tx, "PATIENT_DELETED", patient, context.traceparent);
        return patient !== undefined;
      });
    },
  };
}
