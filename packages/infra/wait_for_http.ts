/**
 * Polls `url` until it answers 2xx or `timeoutMs` passes.
 *
 * @throws {Error} when the deadline passes, naming the URL and the last status or error.
 */
export async function waitForHttp(url: string, timeoutMs = 30_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms (${last})`);
}
