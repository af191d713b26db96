// known_hosts as ssh reads it. The fixtures were made by OpenSSH itself (ssh-keygen -t ed25519,
// ssh-keygen -H for the hashed lines, ssh-keygen -l for the fingerprints), so a reader that
// disagrees with ssh about any of them fails here.
import { describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint, keyTypeOf, knownHostsLine, knownHostsName, matchesHost, recordedKeyTypes } from '../../../src/docker/ssh-known-hosts.js';

const A = 'AAAAC3NzaC1lZDI1NTE5AAAAILtr30Hh7HQf2MtwaY3U925gnqdc7FOG8t723u87EKs2';
const B = 'AAAAC3NzaC1lZDI1NTE5AAAAILMy8Va577VXg3mRk0mM58aqhrvc3+16CXHVEZtpKwXN';
const RSA =
  'AAAAB3NzaC1yc2EAAAADAQABAAAAgQDEMU/PaSvUCVqwcrOATvl/rfGvUHMPd3lfGBtK3AdZem9QNgnmfoEHhZHvOUXTYviXCyCmqbtqr2KVbIaDdIENLBkWnObmAQUf4MtCjlXy9mZUtiuq6lPLzVgzbjfzmJ/n8quQSJ94Q/WzHZ/Z0s5T5+El0lnk7yZhxz3QKmxO6w==';
const blob = (base64: string) => Buffer.from(base64, 'base64');

// `box` → A and `[box]:2222` → B, hashed by ssh-keygen -H.
const HASHED = [
  `|1|K9x7bVzQCRFzMAZBN0G3qG8cbKA=|QynwRBFayzZG513pL938tcxcxQE= ssh-ed25519 ${A}`,
  `|1|SHEobVofRZKr7y0EWjPNaEU93hU=|UV5x4hS09xuyC5x2hvKbUrVKv4I= ssh-ed25519 ${B}`,
].join('\n');

describe('fingerprints and key types', () => {
  it('prints SHA256 fingerprints exactly as ssh-keygen -l does', () => {
    expect(fingerprint(blob(A))).toBe('SHA256:wVwAfXviYzvw+JPs4XQKft1Slem6u92stiajQZrfvxA');
    expect(fingerprint(blob(B))).toBe('SHA256:d19tLkn0+WNafSYrxKrynRsOXw0SbtFSwVOYScVFghs');
    expect(fingerprint(blob(RSA))).toBe('SHA256:QloGrfMYtr4K75fsKPrS+HEd+XGnRs/AVjAp7PeAr3g');
  });

  it('reads the key type from the blob', () => {
    expect(keyTypeOf(blob(A))).toBe('ssh-ed25519');
    expect(keyTypeOf(blob(RSA))).toBe('ssh-rsa');
  });

  it('names non-default ports the way ssh does', () => {
    expect(knownHostsName('box', 22)).toBe('box');
    expect(knownHostsName('box', 2222)).toBe('[box]:2222');
    expect(knownHostsLine('[box]:2222', blob(A))).toBe(`[box]:2222 ssh-ed25519 ${A}`);
  });
});

describe('checkHostKey', () => {
  it('knows a plain entry, and refuses the same key for another name', () => {
    const text = `# a comment\n\nbox ssh-ed25519 ${A} root@box\n`;
    expect(checkHostKey(text, 'box', blob(A))).toEqual({ status: 'known' });
    expect(checkHostKey(text, 'other', blob(A))).toEqual({ status: 'unknown', otherTypes: [] });
  });

  it('reports a changed key with the line that recorded the old one', () => {
    expect(checkHostKey(`x ssh-ed25519 ${B}\nbox ssh-ed25519 ${A}\n`, 'box', blob(B))).toEqual({ status: 'changed', line: 2 });
  });

  it('matches hashed entries, including port-qualified ones', () => {
    expect(checkHostKey(HASHED, 'box', blob(A))).toEqual({ status: 'known' });
    expect(checkHostKey(HASHED, '[box]:2222', blob(B))).toEqual({ status: 'known' });
    expect(checkHostKey(HASHED, 'box', blob(B))).toEqual({ status: 'changed', line: 1 });
    expect(checkHostKey(HASHED, '[box]:2223', blob(B))).toEqual({ status: 'unknown', otherTypes: [] });
  });

  it('treats a host recorded with another key type as unknown for this one, naming what is recorded', () => {
    expect(checkHostKey(`box ssh-rsa ${RSA}`, 'box', blob(A))).toEqual({ status: 'unknown', otherTypes: ['ssh-rsa'] });
    expect(recordedKeyTypes(`box ssh-rsa ${RSA}\n${HASHED}`, 'box')).toEqual(['ssh-rsa', 'ssh-ed25519']);
  });

  it('refuses a revoked key and ignores cert-authority lines', () => {
    expect(checkHostKey(`box ssh-ed25519 ${A}\n@revoked * ssh-ed25519 ${A}`, 'box', blob(A))).toEqual({ status: 'revoked', line: 2 });
    expect(checkHostKey(`@cert-authority box ssh-ed25519 ${A}`, 'box', blob(A))).toEqual({ status: 'unknown', otherTypes: [] });
  });

  it('skips lines ssh could not use', () => {
    expect(checkHostKey(`box ssh-ed25519\nbox ssh-ed25519 not*base64\nbox ssh-ed25519 ${A}`, 'box', blob(A))).toEqual({ status: 'known' });
  });
});

describe('matchesHost', () => {
  it('applies lists, wildcards and negations as ssh does', () => {
    expect(matchesHost('alpha,box', 'box')).toBe(true);
    expect(matchesHost('*.lab.example', 'n1.lab.example')).toBe(true);
    expect(matchesHost('n?', 'n1')).toBe(true);
    expect(matchesHost('n?', 'n10')).toBe(false);
    expect(matchesHost('10.0.0.*,!10.0.0.5', '10.0.0.5')).toBe(false);
    expect(matchesHost('10.0.0.*,!10.0.0.5', '10.0.0.6')).toBe(true);
    expect(matchesHost('BOX', 'box')).toBe(true);
    expect(matchesHost('[box]:2222', '[box]:2222')).toBe(true);
    expect(matchesHost('box', '[box]:2222')).toBe(false);
    expect(matchesHost('box.', 'boxa')).toBe(false);
  });
});
