/** Ports this process has handed out: never twice, even once they are free again. */
const handedOut = new Set<number>();

/**
 * The one port of the Fetch standard's "bad ports" at or above the range's low end (10,000):
 * `fetch` refuses to connect to it ("Requests to port 10080 are blocked"), so a service there
 * could never be reached by a health check or a test.
 */
const FETCH_BLOCKED_PORT = 10080;

/** The lowest port the kernel gives to outgoing connections, read once. */
let ephemeralLow: number | undefined;

/** Linux's `ip_local_port_range` low end (its default when unreadable). */
function readEphemeralLow(): number {
  try {
    const range = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range");
    const low = Number(range.trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, below the kernel's ephemeral range. A port
 * from `listen(0)` is an ephemeral one: between the choice and the service binding it, any
 * outgoing connection on the machine (to PostgreSQL, to Kafka) could be given it as its local
 * port, and the service then failed with `AddrInUse` (seen in CI). Ports below the range are never
 * given to outgoing connections; each is handed out once per process, and never the one `fetch`
 * refuses.
 */
export function freePort(): number {
  ephemeralLow ??= readEphemeralLow();
  const high = ephemeralLow - 1;
  const low = 10_000;
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port) || port === FETCH_BLOCKED_PORT) continue;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
    } catch {
      continue;
    }
    handedOut.add(port);
    return port;
  }
  // Nearly every port below the range taken: fall back to one the kernel picks.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  handedOut.add(port);
  return port;
}
