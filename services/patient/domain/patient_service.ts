import { isUniqueViolation, type Sql, type Tx } from "@pms/db";
import type { PatientEventType } from "@pms/events";
import type { CreatePatientInput, PatientRecord, UpdatePatientInput } from "./patient_schema.ts";
import {
  deletePatient,
  EMAIL_UNIQUE,
  findPatient,
  insertPatient,
  listPatients,
  type PageQuery,
  type PatientPage,
  updatePatient,
} from "../store/patient_store.ts";

/** A committed change, handed to `onChange` inside the change's own transaction. */
export interface PatientChange {
  type: PatientEventType;
  patient: PatientRecord;
  /** W3C trace context of the request that made the change, carried on to its event. */
  traceparent?: string;
}

/** Where a change came from. */
export interface ChangeContext {
  /** W3C `traceparent` of the request. */
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

/** What the patient service needs. */
export interface PatientServiceDeps {
  sql: Sql;
  /**
   * Runs in the same transaction as each create, update and delete (the outbox writes its event
   * here, so the change and its event commit or fail together).
   */
  onChange?: (tx: Tx, change: PatientChange) => Promise<void>;
}

/** The patient use cases. */
export interface PatientService {
  /** A page as JSON text (built by the database) and the total that match. */
  list(query: PageQuery): Promise<PatientPage>;
  get(id: string): Promise<PatientRecord | undefined>;
  /** @throws {DuplicateEmailError} */
  create(input: CreatePatientInput, context?: ChangeContext): Promise<PatientRecord>;
  /** Undefined for an unknown id. @throws {DuplicateEmailError} */
  update(
    id: string,
    input: UpdatePatientInput,
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

/** The patient use cases on the service's own database. */
export function createPatientService(deps: PatientServiceDeps): PatientService {
  const { sql } = deps;
  const changed = (
    tx: Tx,
    type: PatientEventType,
    patient: PatientRecord,
    context: ChangeContext = {},
  ) => deps.onChange?.(tx, { type, patient, traceparent: context.traceparent });
  return {
    list: (query) => listPatients(sql, query),
    get: (id) => findPatient(sql, id),
    create(input, context) {
      const { id: _ignored, ...fields } = input;
      return mapDuplicate(sql.begin(async (tx) => {
        const patient = await insertPatient(tx, crypto.randomUUID(), fields);
        await changed(tx, "PATIENT_CREATED", patient, context);
        return patient;
      }));
    },
    update(id, input, context) {
      return mapDuplicate(sql.begin(async (tx) => {
        const patient = await updatePatient(tx, id, input);
        if (patient) await changed(tx, "PATIENT_UPDATED", patient, context);
        return patient;
      }));
    },
    remove(id, context) {
      return sql.begin(async (tx) => {
        const patient = await deletePatient(tx, id);
        if (patient) await changed(tx, "PATIENT_DELETED", patient, context);
        return patient !== undefined;
      });
    },
  };
}
