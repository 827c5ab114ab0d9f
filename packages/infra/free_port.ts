/** Ports this process has handed out: never twice, even once they are free again. */
const handedOut = new Set<number>();

/**
 * The Fetch standard's "bad ports" from 1024 up: `fetch` refuses to connect to them ("Requests to
 * port 10080 are blocked"), so a service on one could never be reached by a health check or a
 * test. Only 10080 lies in the range handed out; the rest guard a lower `low`.
 */
const FETCH_BLOCKED_PORTS: ReadonlySet<number> = new Set([
  1719,
  1720,
  1723,
  2049,
  3659,
  4045,
  4190,
  5060,
  5061,
  6000,
  6566,
  6665,
  6666,
  6667,
  6668,
  6669,
  6679,
  6697,
  10080,
]);

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
 * given to outgoing connections; each is handed out once per process, and none that `fetch`
 * refuses (10080).
 */
export function freePort(): number {
  ephemeralLow ??= readEphemeralLow();
  const high = ephemeralLow - 1;
  const low = 10_000;
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port) || FETCH_BLOCKED_PORTS.has(port)) continue;
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
