// Bytes to text: size limit, BOM, UTF-8 validity and the control characters YAML
// forbids, each reported at its line and column before any YAML parser runs.

import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { LineIndex } from './line-index.js';

/** MAX_FILE_BYTES is the largest file rescind reads (10 MiB): far above any real plan, far below trouble. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** DecodedText is a file's text without its BOM, or the diagnostics that stop it being read. */
export interface DecodedText {
  text?: string;
  diagnostics: Diagnostic[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

// Every character YAML 1.2 does not allow in a stream (c-printable), as JS code units.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const forbidden = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;

/** tooLarge is the diagnostic for a file of at least `size` bytes above its cap (MAX_FILE_BYTES by default). */
export function tooLarge(file: string, size: number, max: number = MAX_FILE_BYTES): Diagnostic {
  const mib = (size / (1024 * 1024)).toFixed(1);
  return {
    severity: 'error',
    code: 'file.too-large',
    file,
    message: `file is ${mib} MiB; rescind reads files of up to ${max / (1024 * 1024)} MiB`,
  };
}

/** decodeText turns a file's bytes into text, or says at which line and column it stops being YAML text. */
export function decodeText(file: string, bytes: Uint8Array, maxBytes: number = MAX_FILE_BYTES): DecodedText {
  if (bytes.length > maxBytes) return { diagnostics: [tooLarge(file, bytes.length, maxBytes)] };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'file.encoding',
          file,
          message: 'file is UTF-16 text; save it as UTF-8',
        },
      ],
    };
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    const at = firstInvalidUtf8(body);
    const before = lenient.decode(body.subarray(0, at));
    const index = new LineIndex(before);
    const start = index.pos(before.length);
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'file.encoding',
          message: `file is not UTF-8 text: byte 0x${(body[at] ?? 0).toString(16).padStart(2, '0')} cannot start or continue a character here`,
          range: { file, start, end: { ...start, column: start.column + 1, offset: start.offset + 1 } },
        },
      ],
    };
  }
  const bad = forbidden.exec(text);
  if (bad) {
    const index = new LineIndex(text);
    const code = bad[0].charCodeAt(0);
    const what =
      code === 0 ? 'a NUL byte' : `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    const extra = code === 0 ? '; is this a binary file?' : '';
    return {
      diagnostics: [
        {
          severity: 'error',
          code: 'file.control-character',
          message: `${what} is not allowed in YAML${extra}`,
          range: index.range(file, bad.index, bad.index + 1),
        },
      ],
    };
  }
  return { text, diagnostics: [] };
}

/** firstInvalidUtf8 is the index of the first byte that breaks UTF-8 (bytes.length if none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return i;
}
