/** An IPv4 CIDR block as the inclusive integer range of addresses it covers. */
export interface CidrRange {
  readonly cidr: string;
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a canonical IPv4 CIDR block. */
export function parseCidr(cidr: string): CidrRange | undefined {
  const match = CIDR.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  // Host bits must be zero: `10.0.0.1/16` is almost always a typo for `10.0.0.0/16`.
  if (address % size !== 0) return undefined;
  return { cidr, first: address, last: address + size - 1, prefix };
}

export function cidrsOverlap(a: CidrRange, b: CidrRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function cidrContains(outer: CidrRange, inner: CidrRange): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}
