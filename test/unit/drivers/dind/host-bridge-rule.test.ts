import { describe, expect, it } from 'vitest';
import { bridgeRule, labRules } from '../../../../src/drivers/dind/host-bridge-rule.js';

const LISTING = `-N DOCKER-USER
-A DOCKER-USER -i br-4f1545225449 -o br-4f1545225449 -m comment --comment "podlab.lab=side-a" -j ACCEPT
-A DOCKER-USER -i br-52e3e517b26d -o br-52e3e517b26d -m comment --comment "podlab.lab=side-b" -j ACCEPT
-A DOCKER-USER -i eth9 -o eth9 -m comment --comment "someone else" -j ACCEPT
-A DOCKER-USER -j RETURN`;

describe('host bridge rule', () => {
  it('finds only the named lab\'s rules, as delete arguments', () => {
    expect(labRules(LISTING, 'side-b')).toEqual([bridgeRule('br-52e3e517b26d', 'side-b')]);
    expect(labRules(LISTING, 'side-c')).toEqual([]);
  });

  it('finds every podlab rule without a lab name, and never a foreign one', () => {
    expect(labRules(LISTING)).toEqual([bridgeRule('br-4f1545225449', 'side-a'), bridgeRule('br-52e3e517b26d', 'side-b')]);
  });
});
