import { describe, expect, it } from 'vitest';
import { bridgeRule, labRules } from '../../../../src/drivers/common/host-rules.js';

const LISTING = `-N DOCKER-USER
-A DOCKER-USER -i br-4f1545225449 -o br-4f1545225449 -m comment --comment "podlab.lab=side-a" -j ACCEPT
-A DOCKER-USER -i br-52e3e517b26d -o br-52e3e517b26d -m comment --comment "podlab.lab=side-b" -j ACCEPT
-A DOCKER-USER -i br-7a1b2c3d4e5f ! -o br-7a1b2c3d4e5f -m comment --comment "podlab.lab=kindly" -j DROP
-A DOCKER-USER -i br-7a1b2c3d4e5f -o br-7a1b2c3d4e5f -m comment --comment "podlab.lab=kindly" -j ACCEPT
-A DOCKER-USER -i eth9 -o eth9 -m comment --comment "someone else" -j ACCEPT
-A DOCKER-USER -i br-7a1b2c3d4e5f ! -o br-7a1b2c3d4e5f -m comment --comment "podlab.lab=kindly" -j ACCEPT
-A DOCKER-USER -j RETURN`;

describe('host bridge rules', () => {
  it('finds only the named lab\'s rules, as delete arguments', () => {
    expect(labRules(LISTING, 'side-b')).toEqual([bridgeRule('br-52e3e517b26d', 'side-b')]);
    expect(labRules(LISTING, 'side-c')).toEqual([]);
  });

  it('finds the drop rule for traffic leaving a kind lab\'s bridge, and only that shape', () => {
    expect(labRules(LISTING, 'kindly')).toEqual([bridgeRule('br-7a1b2c3d4e5f', 'kindly', 'drop-leaving'), bridgeRule('br-7a1b2c3d4e5f', 'kindly')]);
    expect(bridgeRule('br-x', 'kindly', 'drop-leaving')).toEqual(['-i', 'br-x', '!', '-o', 'br-x', '-m', 'comment', '--comment', 'podlab.lab=kindly', '-j', 'DROP']);
  });

  it('finds every podlab rule without a lab name, and never a foreign one', () => {
    expect(labRules(LISTING).map((rule) => rule.at(-3))).toEqual(['podlab.lab=side-a', 'podlab.lab=side-b', 'podlab.lab=kindly', 'podlab.lab=kindly']);
  });
});
