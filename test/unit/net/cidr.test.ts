import { describe, expect, it } from 'vitest';
import { formatCidr, formatIp, hostAddress, overlaps, parseCidr, parseIp, pickFreeSubnet } from '../../../src/net/cidr.js';

describe('cidr', () => {
  it('parses and formats addresses', () => {
    expect(parseIp('10.1.79.0')).toBe(10 * 2 ** 24 + 1 * 2 ** 16 + 79 * 256);
    expect(formatIp(parseIp('172.31.0.11')!)).toBe('172.31.0.11');
    expect(parseIp('256.1.1.1')).toBeUndefined();
    expect(parseIp('10.1.1')).toBeUndefined();
  });

  it('rejects host bits in strict mode and clears them otherwise', () => {
    expect(parseCidr('10.1.0.0/16')).toEqual({ network: parseIp('10.1.0.0'), prefix: 16 });
    expect(parseCidr('10.1.2.0/16')).toBeUndefined();
    expect(formatCidr(parseCidr('10.1.2.0/16', false)!)).toBe('10.1.0.0/16');
    expect(parseCidr('10.1.0.0/33')).toBeUndefined();
    expect(parseCidr('10.1.0.0')).toBeUndefined();
    expect(parseCidr('not-a-cidr')).toBeUndefined();
  });

  it('detects overlap in both directions', () => {
    const big = parseCidr('10.0.0.0/8')!;
    const small = parseCidr('10.254.0.0/16')!;
    expect(overlaps(big, small)).toBe(true);
    expect(overlaps(small, big)).toBe(true);
    expect(overlaps(parseCidr('10.1.0.0/16')!, parseCidr('10.2.0.0/16')!)).toBe(false);
  });

  it('numbers hosts and refuses network/broadcast', () => {
    const net = parseCidr('172.31.0.0/24')!;
    expect(hostAddress(net, 1)).toBe('172.31.0.1');
    expect(hostAddress(net, 11)).toBe('172.31.0.11');
    expect(() => hostAddress(net, 255)).toThrow(RangeError);
    expect(() => hostAddress(net, 0)).toThrow(RangeError);
  });

  it('picks the first free /24 of a pool', () => {
    const pool = parseCidr('172.31.0.0/16')!;
    expect(formatCidr(pickFreeSubnet(pool, 24, [])!)).toBe('172.31.0.0/24');
    const taken = [parseCidr('172.31.0.0/24')!, parseCidr('172.31.1.0/24')!];
    expect(formatCidr(pickFreeSubnet(pool, 24, taken)!)).toBe('172.31.2.0/24');
    expect(pickFreeSubnet(pool, 24, [parseCidr('172.16.0.0/12')!])).toBeUndefined();
  });
});
