// A fresh key per trace. Source ports come from 20000–29999, below Linux's ephemeral range
// (32768–60999), so no connection the kernel opens on its own uses one, and above the ports
// labs' services listen on; echo ids span the whole 16 bits.
import type { Proto, TraceKey } from './types.js';

export function newTraceKey(proto: Proto, random: () => number = Math.random): TraceKey {
  const token = Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
  if (proto === 'icmp') return { token, proto, icmpId: 1 + Math.floor(random() * 0xfffe) };
  return { token, proto, sourcePort: 20000 + Math.floor(random() * 10000) };
}
