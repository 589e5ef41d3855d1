import { formatLocated, located, type Located } from '../../schemas';

/**
 * An input that cannot be edited safely (a computed value, a file that does not parse, a spread that may
 * override the value): the operator (console or `npm run drill`) sees where and why, and a person edits that file by hand.
 */
export class EditRefused extends Error {
  constructor(readonly problem: Located) {
    super(formatLocated(problem));
    this.name = 'EditRefused';
  }

  static at(file: string, path: readonly string[], expected: string, found: string, position?: { line: number; column: number }): EditRefused {
    return new EditRefused(located(file, path, expected, found, position));
  }
}

/** A value the editors can write: what the typed inputs' switches, weights and names are. */
export type LiteralValue = string | number | boolean;

export interface ValueEdit {
  /** Property names from the file's top-level object down to the value, e.g. ['traffic', 'weight']. */
  path: readonly string[];
  value: LiteralValue;
}
