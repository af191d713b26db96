import { describe, expect, it } from 'vitest';
import { formatRoute, parseRouteGet } from '../../../src/trace/route.js';

describe('ip -o route get', () => {
  it('reads device, next hop and source', () => {
    expect(parseRouteGet('10.1.20.2', '10.1.20.2 via 10.1.6.1 dev eth0 src 10.1.6.2 uid 0 \\    cache \n')).toEqual({
      dst: '10.1.20.2', via: '10.1.6.1', dev: 'eth0', src: '10.1.6.2', text: '10.1.20.2 via 10.1.6.1 dev eth0 src 10.1.6.2 uid 0',
    });
  });

  it('reads a forwarding decision asked with from/iif', () => {
    const route = parseRouteGet('10.1.20.2', '10.1.20.2 from 10.1.6.2 via 10.1.20.0 dev flannel.1 \\    cache iif docker0 \n');
    expect(route).toMatchObject({ via: '10.1.20.0', dev: 'flannel.1' });
    expect(formatRoute(route)).toBe('10.1.20.2 via 10.1.20.0 dev flannel.1');
  });

  it('reads local routes and errors', () => {
    expect(parseRouteGet('10.1.6.1', 'local 10.1.6.1 dev lo src 10.1.6.1 uid 0 \\    cache <local> ')).toMatchObject({ type: 'local', dev: 'lo' });
    const error = parseRouteGet('10.9.9.9', 'RTNETLINK answers: Network is unreachable\n');
    expect(error).toMatchObject({ error: 'Network is unreachable' });
    expect(formatRoute(error)).toBe('10.9.9.9: Network is unreachable');
  });
});
