// Terminal styling: ANSI colours when the CLI decides a stream wants them,
// identity functions otherwise (files, pipes, NO_COLOR, golden tests).

/** Style colours parts of a line. */
export interface Style {
  error(s: string): string;
  warning(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
  /** added colours what a diff adds (green). */
  added(s: string): string;
}

const id = (s: string) => s;

/** plain is the style without colours. */
export const plain: Style = { error: id, warning: id, bold: id, dim: id, added: id };

/** ansi is the style with ANSI colours. */
export const ansi: Style = {
  error: (s) => `\x1b[1;31m${s}\x1b[0m`,
  warning: (s) => `\x1b[1;33m${s}\x1b[0m`,
  bold: (s) => `\x1b[1m${s}\x1b[0m`,
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
  added: (s) => `\x1b[32m${s}\x1b[0m`,
};
