/**
 * The `X-Forwarded-For` the gateway sends on, whose last entry is the client's address as the
 * gateway resolved it (the services take the last entry, which the gateway appended).
 *
 * With `trustedHops` 0 the client is the connection's peer, appended to whatever the request
 * carried, so a client-written `X-Forwarded-For` never changes the address. Behind `trustedHops`
 * proxies (the load balancer: 1), each of which appends the address it saw, the client is the
 * entry `trustedHops` from the right of the header as received; the entries right of it, written
 * by those proxies about each other, are dropped. With fewer entries than that, the leftmost one
 * (written by a trusted proxy) is the client; with none, the peer.
 */
export function forwardedFor(
  received: string | undefined,
  peer: string | undefined,
  trustedHops: number,
): string | undefined {
  const entries = received ? received.split(",").map((e) => e.trim()).filter(Boolean) : [];
  if (trustedHops === 0 || entries.length === 0) {
    if (peer) entries.push(peer);
    return entries.length > 0 ? entries.join(", ") : undefined;
  }
  return entries.slice(0, Math.max(1, entries.length - trustedHops + 1)).join(", ");
}
