// argv as a line a person can paste into a POSIX shell: words that need it single-quoted.
export function shellQuoteWord(word: string): string {
  if (word === '') return "''";
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellQuote(argv: readonly string[]): string {
  return argv.map(shellQuoteWord).join(' ');
}
