import type { Logger } from "@pms/log";
import { revocationPageSchema } from "./revocation_page.ts";
import type { RevocationState } from "./revocation_state.ts";

/** Options for {@linkcode createRevocationFeed}. */
export interface RevocationFeedOptions {
  /** Auth's `/revocations` (internal; the gateway does not route it). */
  url: string;
  /** Where what is heard goes. */
  state: RevocationState;
  logger: Logger;
  /** Wait between two requests; defaults to 1000 ms. */
  pollMs?: number;
  /** Time allowed for one answer; defaults to 2000 ms. */
  timeoutMs?: number;
  /** The fetch to use (tests pass a fake). */
  fetch?: typeof fetch;
}

/** A running feed of revocations. */
export interface RevocationFeed {
  /** Asks once (a failure is only noted: the service starts not having heard), then polls. */
  start(): Promise<void>;
  /** Stops polling and waits for the request in flight. */
  stop(): Promise<void>;
  /** One request: applies the answer, resolves true when auth has more to tell at once. */
  poll(): Promise<boolean>;
}

/**
 * Polls auth's revocation list (`GET <url>?since=<cursor>`) every `pollMs` and hands what it
 * hears to `state`. Every instance polls for itself, so each sees every revocation; the first
 * request asks from the start (auth answers every revocation whose tokens may still be alive),
 * so a restarted instance knows them all again. Failures are retried at the next poll and
 * logged at debug level only: the state's staleness rule refuses old tokens and says so once.
 *
 * Why polling rather than a topic: the gateway has no broker client and services run without
 * one in development; one request a second is within the 5 s bound with room to spare; each
 * answer doubles as the heartbeat the staleness rule needs; and no consumer group per instance
 * is left behind on the broker.
 */
export function createRevocationFeed(options: RevocationFeedOptions): RevocationFeed {
  const pollMs = options.pollMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const doFetch = options.fetch ?? fetch;
  const stopping = new AbortController();
  let cursor = 0;
  let failures = 0;
  let loop: Promise<void> | undefined;

  async function poll(): Promise<boolean> {
    const url = new URL(options.url);
    url.searchParams.set("since", String(cursor));
    const res = await doFetch(url, {
      signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)]),
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`revocation source answered ${res.status}`);
    }
    const page = revocationPageSchema.parse(await res.json());
    options.state.heard(page.revocations);
    cursor = page.cursor;
    return page.more;
  }

  /** One round: polls, and on failure counts and logs it at debug level. */
  async function round(): Promise<boolean> {
    try {
      const more = await poll();
      if (failures > 0) options.logger.debug("revocation source answers again", { failures });
      failures = 0;
      return more;
    } catch (error) {
      failures++;
      if (!stopping.signal.aborted) {
        options.logger.debug("revocation source did not answer", { err: error, failures });
      }
      options.state.noteStaleness();
      return false;
    }
  }

  /** Resolves after `pollMs`, or at once when stopping. */
  function pause(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        stopping.signal.removeEventListener("abort", done);
        resolve();
      }
      stopping.signal.addEventListener("abort", done);
    });
  }

  async function run(): Promise<void> {
    while (!stopping.signal.aborted) {
      await pause();
      while (!stopping.signal.aborted && await round()) { /* a full page: the next one at once */ }
    }
  }

  return {
    async start() {
      if (loop) return;
      while (await round()) { /* a restart after many revocations: read them all first */ }
      loop = run();
    },
    async stop() {
      stopping.abort();
      await loop;
    },
    poll,
  };
}
