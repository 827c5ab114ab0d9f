import type { PatientRecord } from "../domain/patient_record.ts";
import type { PatientVersion } from "../store/patient_version_store.ts";
import { etagOf } from "@pms/http";
import { previousOffset } from "@pms/fhir";
import { type FhirPatient, toFhirPatient } from "./fhir_patient.ts";

/** A `Bundle.link`. */
export interface BundleLink {
  relation: "self" | "next" | "previous";
  url: string;
}

/** One entry of a searchset or history Bundle. */
export interface BundleEntry {
  fullUrl: string;
  resource?: FhirPatient;
  search?: { mode: "match" };
  request?: { method: "POST" | "PUT" | "DELETE"; url: string };
  response?: { status: string; etag: string; lastModified: string };
}

/** A FHIR R4 Bundle of patients (`searchset`) or of a patient's versions (`history`). */
export interface Bundle {
  resourceType: "Bundle";
  type: "searchset" | "history";
  total: number;
  link: BundleLink[];
  entry?: BundleEntry[];
}

/** Where a page of a paged Bundle starts, how long pages are, and how to name a page's URL. */
export interface BundlePage {
  offset: number;
  count: number;
  total: number;
  /** The absolute URL of the page that starts at `offset`. */
  urlAt(offset: number): string;
}

/** `self`, and `next` / `previous` when there is such a page. */
function links(page: BundlePage): BundleLink[] {
  const result: BundleLink[] = [{ relation: "self", url: page.urlAt(page.offset) }];
  if (page.offset + page.count < page.total) {
    result.push({ relation: "next", url: page.urlAt(page.offset + page.count) });
  }
  if (page.offset > 0) result.push({ relation: "previous", url: page.urlAt(previousOffset(page)) });
  return result;
}

/** The `fullUrl` of a patient: `<base>/Patient/{id}`. */
export function patientUrl(base: string, id: string): string {
  return `${base}/Patient/${id}`;
}

/**
 * A `searchset` Bundle: the page's patients (`search.mode` match, `fullUrl` under `base`), the
 * `total` that match, and `self`/`next`/`previous` links. An empty page has no `entry` (FHIR
 * allows no empty arrays).
 */
export function searchBundle(
  base: string,
  patients: PatientRecord[],
  page: BundlePage,
): Bundle {
  const entry = patients.map((patient): BundleEntry => ({
    fullUrl: patientUrl(base, patient.id),
    resource: toFhirPatient(patient),
    search: { mode: "match" },
  }));
  return {
    resourceType: "Bundle",
    type: "searchset",
    total: page.total,
    link: links(page),
    ...(entry.length > 0 && { entry }),
  };
}

const REQUEST: Record<PatientVersion["change"], "POST" | "PUT" | "DELETE"> = {
  CREATED: "POST",
  UPDATED: "PUT",
  RESTORED: "PUT",
  DELETED: "DELETE",
  MERGED: "PUT",
  MERGED_INTO: "PUT",
  UNMERGED: "PUT",
};
const STATUS: Record<PatientVersion["change"], string> = {
  CREATED: "201 Created",
  UPDATED: "200 OK",
  RESTORED: "200 OK",
  DELETED: "204 No Content",
  MERGED: "200 OK",
  MERGED_INTO: "200 OK",
  UNMERGED: "200 OK",
};

/**
 * A `history` Bundle of one patient's versions, newest first: each entry's `request` (`POST` for
 * the create, `PUT` for an update or a restore, `DELETE`), `response` (`status`, `etag`,
 * `lastModified`), and the version as a Patient except for a deletion, which has no `resource`.
 */
export function historyBundle(
  base: string,
  id: string,
  versions: PatientVersion[],
  page: BundlePage,
): Bundle {
  const entry = versions.map((version): BundleEntry => ({
    fullUrl: patientUrl(base, id),
    ...(version.change !== "DELETED" && { resource: toFhirPatient(version.patient) }),
    request: {
      method: REQUEST[version.change],
      url: version.change === "CREATED" ? "Patient" : `Patient/${id}`,
    },
    response: {
      status: STATUS[version.change],
      etag: etagOf(version.version),
      lastModified: version.changedAt,
    },
  }));
  return {
    resourceType: "Bundle",
    type: "history",
    total: page.total,
    link: links(page),
    ...(entry.length > 0 && { entry }),
  };
}
