// argv as a line a POSIX shell splits back into exactly that argv: for commands podlab runs
// through a remote shell (ssh) and for the pasteable commands in error messages. Words made only
// of characters no shell treats specially stay bare, so the common case reads as typed.

/** Characters that are literal wherever they stand in a word (`=` only after the first). */
const BARE = /^[A-Za-z0-9_./:,@%+-][A-Za-z0-9_./:=,@%+-]*$/;

export function shellQuoteWord(word: string): string {
  if (BARE.test(word)) return word;
  // Inside single quotes nothing is special; a single quote itself is closed, escaped, reopened.
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellQuote(argv: readonly string[]): string {
  return argv
    .map((word, index) => {
      // A bare NAME=value first word would be an assignment, not the command to run.
      if (index === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) return `'${word.replace(/'/g, `'\\''`)}'`;
      return shellQuoteWord(word);
    })
    .join(' ');
}
