// Offsets to 1-based lines and columns for one text. Built once per file that
// needs locating, and only then: valid files never pay for it.

import type { SourcePos, SourceRange } from '../diagnostics/diagnostic.js';

/** LineIndex maps 0-based offsets of a text to positions; a line ends at \n, \r\n or a lone \r. */
export class LineIndex {
  readonly #starts: number[] = [0];
  readonly #length: number;

  constructor(text: string) {
    this.#length = text.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.#starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.#starts.push(i + 1);
    }
  }

  /** pos is the position of an offset, clamped to the text. */
  pos(offset: number): SourcePos {
    const at = Math.max(0, Math.min(offset, this.#length));
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.#starts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - (this.#starts[lo] ?? 0) + 1, offset: at };
  }

  /** range is the range of [start, end) in file. */
  range(file: string, start: number, end: number): SourceRange {
    return { file, start: this.pos(start), end: this.pos(Math.max(start, end)) };
  }
}
