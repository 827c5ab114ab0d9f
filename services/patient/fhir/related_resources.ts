import { DomainError } from "@pms/http";

/** The resource types `$everything` gathers, and where each is served. */
export const EVERYTHING_TYPES = ["Patient", "Appointment", "Encounter", "Observation"] as const;

/** One of {@linkcode EVERYTHING_TYPES}. */
export type EverythingType = typeof EVERYTHING_TYPES[number];

/** A FHIR resource as another service answers it. */
export interface FhirResource {
  resourceType: string;
  id: string;
  meta?: { lastUpdated?: string };
}

/** Where the other services' FHIR searches are (`SCHEDULING_URL`, `CLINICAL_URL`). */
export interface RelatedSources {
  schedulingUrl: string;
  clinicalUrl: string;
  /** Time allowed for one page; defaults to 5000 ms. */
  timeoutMs?: number;
  /** The fetch to use (unit tests pass a fake). */
  fetch?: typeof fetch;
}

// Pages of 100 (the services' largest `_count`); at most this many per type.
const PAGE = 100;
const MAX_PER_TYPE = 10_000;

/**
 * A patient's resources of `type` from the service that serves them: its FHIR search
 * (`Appointment?patient=`, `Encounter?patient=`, `Observation?patient=`) asked with the caller's
 * token, page after page, so the caller's role and the restrictions apply there as anywhere, and
 * each service records its own disclosure.
 *
 * @throws {DomainError} `unavailable` when the service does not answer a page.
 */
export async function relatedResources(
  type: Exclude<EverythingType, "Patient">,
  patientId: string,
  token: string,
  sources: RelatedSources,
): Promise<FhirResource[]> {
  const base = (type === "Appointment" ? sources.schedulingUrl : sources.clinicalUrl)
    .replace(/\/+$/, "");
  const service = type === "Appointment" ? "Scheduling" : "Clinical";
  const found: FhirResource[] = [];
  for (let offset = 0; offset < MAX_PER_TYPE; offset += PAGE) {
    const url = `${base}/fhir/R4/${type}?patient=${patientId}&_count=${PAGE}&_offset=${offset}`;
    let bundle: { total?: number; entry?: { resource?: FhirResource }[] };
    try {
      const res = await (sources.fetch ?? fetch)(url, {
        headers: { authorization: `Bearer ${token}`, accept: "application/fhir+json" },
        signal: AbortSignal.timeout(sources.timeoutMs ?? 5_000),
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new Error(`${res.status}`);
      }
      bundle = await res.json();
    } catch {
      throw new DomainError("unavailable", `${service} service is unavailable`, {
        headers: { "retry-after": "1" },
      });
    }
    const page = (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
    found.push(...page);
    if (page.length < PAGE || found.length >= (bundle.total ?? 0)) break;
  }
  return found;
}
