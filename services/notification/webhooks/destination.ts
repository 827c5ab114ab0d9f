/** How a webhook's host is resolved (tests pass their own). */
export type Resolve = (host: string) => Promise<string[]>;

/** The platform's resolver: the host's A and AAAA records. */
export const resolveDns: Resolve = async (host) => {
  const found = await Promise.allSettled([
    Deno.resolveDns(host, "A"),
    Deno.resolveDns(host, "AAAA"),
  ]);
  return found.flatMap((r) => r.status === "fulfilled" ? r.value : []);
};

/** Why a destination is refused, or `undefined` when it may be called. */
export type Refusal = string | undefined;

const v4 = (address: string): number[] | undefined => {
  const parts = address.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : undefined;
};

/** The 16 bytes of an IPv6 address, or undefined. */
function v6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  const dotted = v4(text.slice(lastColon + 1));
  if (dotted) {
    tail = dotted;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const words = (s: string) => (s === "" ? [] : s.split(":"));
  const head = words(halves[0]!);
  const rest = halves.length === 2 ? words(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  const bytes: number[] = [];
  for (const w of all) {
    if (!/^[0-9a-f]{1,4}$/.test(w)) return undefined;
    const n = parseInt(w, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : undefined;
}

/**
 * What kind of address an IP literal is: `public`, `loopback`, `link-local` (metadata services
 * live there: 169.254.169.254, fd00:ec2::254), or `private` (RFC 1918, CGNAT, ULA, multicast,
 * unspecified, broadcast, reserved). IPv6 addresses that carry an IPv4 one (mapped, compatible,
 * NAT64, 6to4) are judged as that IPv4 address.
 */
export function addressKind(address: string): "public" | "loopback" | "link-local" | "private" {
  const four = v4(address);
  if (four) {
    const [a, b] = four as [number, number, number, number];
    if (a === 127) return "loopback";
    if (a === 169 && b === 254) return "link-local";
    if (
      a === 0 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) || a >= 224 || (a === 192 && b === 0 && four[2] === 0) ||
      (a === 198 && (b === 18 || b === 19))
    ) {
      return "private";
    }
    return "public";
  }
  const six = v6(address);
  if (!six) return "private";
  const isZero = (from: number, to: number) => six.slice(from, to).every((x) => x === 0);
  if (isZero(0, 10) && six[10] === 0xff && six[11] === 0xff) {
    return addressKind(six.slice(12).join("."));
  }
  if (isZero(0, 15) && six[15] === 1) return "loopback";
  if (isZero(0, 16)) return "private";
  // IPv4 inside IPv6, which a host may still route to the IPv4 address: IPv4-compatible
  // (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::`).
  const nat64 = six[0] === 0 && six[1] === 0x64 && six[2] === 0xff && six[3] === 0x9b;
  if (isZero(0, 12) || (nat64 && isZero(4, 12))) {
    return addressKind(six.slice(12).join("."));
  }
  if (six[0] === 0x20 && six[1] === 0x02) {
    const inner = addressKind(six.slice(2, 6).join("."));
    if (inner !== "public") return inner;
  }
  if (six[0] === 0xfe && (six[1]! & 0xc0) === 0x80) return "link-local";
  if (six[0] === 0xfd && six[1] === 0x00 && six[2] === 0x0e && six[3] === 0xc2) {
    return "link-local"; // fd00:ec2::/32, the cloud's instance metadata
  }
  if ((six[0]! & 0xfe) === 0xfc || six[0] === 0xff) return "private";
  return "public";
}

/** Options of {@linkcode checkDestination}. */
export interface DestinationOptions {
  /**
   * `WEBHOOK_ALLOW_INSECURE` (development and tests, never production): `http://` is allowed,
   * and so are loopback and private addresses; credentials in the URL and link-local or
   * metadata addresses are still refused.
   */
  allowInsecure: boolean;
  /** How names are resolved (at every delivery attempt). */
  resolve?: Resolve;
  /**
   * At creation a name that does not resolve (yet) is accepted: there is nothing to judge, and
   * every attempt resolves it again and is refused then. Defaults to false (an attempt).
   */
  acceptUnresolved?: boolean;
}

/**
 * Whether a webhook may call `url` now: `https://` (or `http://` with `allowInsecure`), no
 * credentials in it, and every address its host resolves to public: never loopback, private,
 * link-local or the cloud's metadata (with `allowInsecure`, loopback and private are allowed,
 * link-local and metadata never). Checked at creation and again before every attempt, after DNS
 * resolution, so a name that later resolves to 127.0.0.1 is refused then.
 */
export async function checkDestination(url: string, options: DestinationOptions): Promise<Refusal> {
  if (!URL.canParse(url)) return "url must be an absolute https:// URL";
  const parsed = new URL(url);
  if (parsed.username || parsed.password) return "url must not hold credentials";
  const secure = parsed.protocol === "https:";
  if (!secure && !(parsed.protocol === "http:" && options.allowInsecure)) {
    return "url must be https://";
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (host === "") return "url must name a host";
  const literal = v4(host) !== undefined || v6(host) !== undefined;
  let addresses: string[];
  if (literal) {
    addresses = [host];
  } else if (host === "localhost") {
    addresses = ["127.0.0.1"];
  } else {
    addresses = await (options.resolve ?? resolveDns)(host).catch(() => []);
    if (addresses.length === 0) {
      return options.acceptUnresolved ? undefined : "url's host does not resolve";
    }
  }
  for (const address of addresses) {
    const kind = addressKind(address);
    if (kind === "public" || (options.allowInsecure && kind !== "link-local")) continue;
    return `url must not lead to a ${kind} address (${address})`;
  }
  return undefined;
}
