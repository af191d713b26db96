// shellQuote's promise is that a shell splits its line back into the same argv: checked here by
// handing the line to a real /bin/sh (dash or bash, as the nodes and the ssh host have), which
// prints each word it got between NUL bytes.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote, shellQuoteWord } from '../../../src/util/shell-quote.js';

/** The argv a POSIX shell makes of `line` when it is the arguments of a command. */
function splitByShell(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8', env: { HOME: '/nonexistent', PATH: process.env.PATH } });
  return out.split('\0').slice(0, -1);
}

const TRICKY = [
  'plain',
  '',
  ' ',
  'two words',
  "it's",
  "''",
  '"double"',
  '$HOME',
  '${HOME}',
  '$(id -u)',
  '`id`',
  'a\\b',
  'line\nbreak',
  'tab\there',
  '*',
  '?',
  '[a]',
  '~',
  '~root',
  '#comment',
  'a#b',
  '!',
  'a;b',
  'a&b',
  'a|b',
  '<in',
  '>out',
  '(x)',
  '{a,b}',
  'x=y',
  '=lead',
  '-A',
  '--comment=kubernetes service portals',
  '10.1.0.0/16',
  'KUBE-SVC-GKN7Y2BSGW4NJTYL',
  'ünïcödé',
  'a%b@c:d,e+f',
];

describe('shellQuote', () => {
  it('leaves words with nothing special bare, so the common case reads as typed', () => {
    expect(shellQuote(['iptables', '-t', 'nat', '-S', 'KUBE-SVC-ABC', '10.1.0.0/16', 'user@host:/x', 'a=b'])).toBe('iptables -t nat -S KUBE-SVC-ABC 10.1.0.0/16 user@host:/x a=b');
  });

  it('quotes what a shell would split, expand or treat as syntax', () => {
    expect(shellQuote(['sh', '-c', 'echo $HOME; ls'])).toBe(`sh -c 'echo $HOME; ls'`);
    expect(shellQuote(['printf', "it's", ''])).toBe(`printf 'it'\\''s' ''`);
    expect(shellQuoteWord('~')).toBe(`'~'`);
    expect(shellQuoteWord('=ls')).toBe(`'=ls'`); // zsh would expand it to a path
  });

  it('quotes a NAME=value first word, which a shell would take for an assignment', () => {
    expect(shellQuote(['A=1', 'B=2'])).toBe(`'A=1' B=2`);
  });

  it.each(TRICKY)('a shell splits the line back into the same argv: %j', (word) => {
    const argv = ['x', word, word, 'y'];
    expect(splitByShell(shellQuote(argv))).toEqual(argv);
  });

  it('a shell runs a quoted first word as the command, even NAME=value', () => {
    const line = shellQuote(['A=1']);
    const result = (() => {
      try {
        execFileSync('/bin/sh', ['-c', line], { stdio: 'pipe' });
        return 'ran';
      } catch (error) {
        return String((error as { stderr?: Buffer }).stderr);
      }
    })();
    // An assignment would succeed silently; a command named A=1 is not found.
    expect(result).toMatch(/A=1.*not found/);
  });
});
