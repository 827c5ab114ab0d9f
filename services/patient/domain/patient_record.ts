/**
 * The patient records and the shapes of their reads and changes, as the domain, the store and
 * the presenters share them.
 *
 * @module
 */
/** A stored patient, as every read returns it. */
export interface PatientRecord {
  id: string;
  name: string;
  email: string;
  address: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth: string;
  /** `YYYY-MM-DD`. */
  registeredDate: string;
  /** From 1, +1 per change. */
  version: number;
  /** RFC 3339 UTC, milliseconds. */
  updatedAt: string;
}

/** A soft-deleted patient, as the deleted list shows it. */
export interface DeletedPatientRecord extends PatientRecord {
  deletedAt: string;
  deletedBy: string;
}

/** A new patient's fields. */
export type NewPatient = Omit<PatientRecord, "id" | "version" | "updatedAt">;

/** A replacement of a patient's fields; `registeredDate` kept when left out. */
export type PatientUpdate = Omit<NewPatient, "registeredDate"> & { registeredDate?: string };

/** How a list is ordered: a field, `-` in front for descending; ties always by id. */
export type PatientSort =
  | "name"
  | "-name"
  | "dateOfBirth"
  | "-dateOfBirth"
  | "registeredDate"
  | "-registeredDate";

/** A page request. */
export interface PageQuery {
  /** 0-based page number. */
  page: number;
  size: number;
  /** Case-insensitive substring of name or email. */
  search?: string;
}

/** A page request of the patient list, with its lookup filters (all ANDed). */
export interface PatientQuery extends PageQuery {
  /** Words each beginning a word of the name, in any case or accent. */
  name?: string;
  /** The email, in any case. */
  email?: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth?: string;
  /** Defaults to `name`. */
  sort?: PatientSort;
}

/** A page as the JSON array the API sends, and the total that match. */
export interface JsonPage {
  /** The page as JSON text, built by PostgreSQL (`[]` past the end). */
  json: string;
  total: number;
  /** The ids of the patients on the page (their audit record names them). */
  ids?: string[];
}

/** Who makes a change, and on which version it is based. */
export interface ChangeGuard {
  /** The email of the user making the change (`system` for seeds). */
  changedBy: string;
  /** When given, the change applies only to one of these versions (`If-Match`). */
  expectedVersions?: number[];
}

/** What became of a change. */
export type ChangeOutcome =
  | { outcome: "changed"; patient: PatientRecord; changedFields?: string[] }
  /** Nothing differed: no new version, no history, no event. */
  | { outcome: "unchanged"; patient: PatientRecord }
  /** No such patient (or deleted). */
  | { outcome: "missing" }
  /** `expectedVersion` is not the current one. */
  | { outcome: "stale"; version: number }
  /** A restore of a patient that is not deleted. */
  | { outcome: "not-deleted" };
