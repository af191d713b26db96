// IPv4 addresses and CIDRs as plain numbers: parsing, overlap, host addresses, free-subnet choice.

export interface Cidr {
  /** Network address as an unsigned 32-bit number (host bits cleared). */
  network: number;
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIp(text: string): number | undefined {
  const match = IPV4.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

export function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses `a.b.c.d/n`. With `strict`, host bits must be zero (as in `10.1.0.0/16`). */
export function parseCidr(text: string, strict = true): Cidr | undefined {
  const [address, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0 || address === undefined || prefixText === undefined) return undefined;
  if (!/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const ip = parseIp(address);
  if (ip === undefined || prefix > 32) return undefined;
  const network = ip - (ip % blockSize(prefix));
  if (strict && network !== ip) return undefined;
  return { network, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.network)}/${cidr.prefix}`;
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

export function contains(cidr: Cidr, ip: number): boolean {
  return ip >= cidr.network && ip < cidr.network + blockSize(cidr.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.network + blockSize(a.prefix);
  const bEnd = b.network + blockSize(b.prefix);
  return a.network < bEnd && b.network < aEnd;
}

/** The n-th address of a network (n = 1 is the first host address). */
export function hostAddress(cidr: Cidr, n: number): string {
  if (n <= 0 || n >= blockSize(cidr.prefix) - 1) {
    throw new RangeError(`host ${n} is outside ${formatCidr(cidr)}`);
  }
  return formatIp(cidr.network + n);
}

/**
 * The first /24 in `pool` that overlaps none of `taken`. Lab underlays come from here when the
 * lab file names none; `taken` holds every subnet the engine already uses plus the lab's own
 * overlay and service ranges.
 */
export function pickFreeSubnet(pool: Cidr, prefix: number, taken: Cidr[]): Cidr | undefined {
  const size = blockSize(prefix);
  for (let network = pool.network; network + size <= pool.network + blockSize(pool.prefix); network += size) {
    const candidate = { network, prefix };
    if (!taken.some((other) => overlaps(candidate, other))) return candidate;
  }
  return undefined;
}
