import { DomainError } from "./domain_error/mod.ts";

/** Options of {@linkcode askService}. */
export interface AskServiceOptions {
  /** The service asked, as its `unavailable` error names it (`Patient`, `Scheduling`). */
  service: string;
  /** Answers that mean "no such thing" (undefined, not an error); defaults to `404`. */
  missing?: number[];
  /** Time allowed for the answer; defaults to 2000 ms. */
  timeoutMs?: number;
  /** The fetch to use (unit tests pass a fake). */
  fetch?: typeof fetch;
  /** A JSON body: the question is then a `POST` (a list of ids too long for a URL). */
  body?: unknown;
}

/**
 * `GET url` (`POST` with a JSON `body`) of another service with the caller's bearer `token`, for a check a use case needs:
 * the JSON answer of a `200`, undefined for a `missing` status.
 *
 * @throws {DomainError} `unavailable` (`503`, `Retry-After: 1`) when the service does not answer,
 * answers anything else, or answers no JSON object.
 */
export async function askService(
  url: string,
  token: string,
  options: AskServiceOptions,
): Promise<Record<string, unknown> | undefined> {
  const unavailable = () =>
    new DomainError("unavailable", `${options.service} service is unavailable`, {
      headers: { "retry-after": "1" },
    });
  let res: Response;
  try {
    const posted = options.body !== undefined;
    res = await (options.fetch ?? fetch)(url, {
      method: posted ? "POST" : "GET",
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(posted && { "content-type": "application/json" }),
      },
      ...(posted && { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
    });
  } catch {
    throw unavailable();
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    if ((options.missing ?? [404]).includes(res.status)) return undefined;
    throw unavailable();
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw unavailable();
  return body as Record<string, unknown>;
}
