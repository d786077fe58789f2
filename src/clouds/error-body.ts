// Reading an error body whatever came back: JSON in the cloud's own shape, Alibaba's
// XML, or the HTML or text page of a proxy in front of the cloud. Each cloud's dialect
// says which JSON fields hold the code, the message and the request id.

import type { ErrorBody } from './wire.js';

/** MAX_CLOUD_MESSAGE is the longest message kept from an error body; longer ones are cut with an ellipsis. */
export const MAX_CLOUD_MESSAGE = 500;

/** JsonFields picks the code, message and request id out of a parsed JSON error body. */
export type JsonFields = (json: Readonly<Record<string, unknown>>) => ErrorBody;

const NONE: ErrorBody = { code: undefined, message: undefined, requestId: undefined };

/**
 * readErrorBodyWith reads a raw body (string or bytes) or already parsed JSON. A JSON object goes to
 * fields; XML gives its `<Code>`, `<Message>` and `<RequestId>`; an HTML page its title, else its text;
 * anything else its first text. Messages are cut to MAX_CLOUD_MESSAGE characters.
 */
export function readErrorBodyWith(body: unknown, fields: JsonFields): ErrorBody {
  let value: unknown = body;
  if (value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return NONE;
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        value = JSON.parse(text);
      } catch {
        return { ...NONE, message: textSnippet(text) };
      }
    } else {
      return text.startsWith('<') ? readMarkup(text) : { ...NONE, message: textSnippet(text) };
    }
  }
  if (!isRecord(value)) return NONE;
  const read = fields(value);
  return { ...read, message: cut(read.message) };
}

/** firstString is the first non-empty string among values, or the first finite number as text. */
export function firstString(...values: unknown[]): string | undefined {
  for (const v of values) {
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/** isRecord tells whether a JSON value is an object (not an array, not null). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Alibaba answers XML for some APIs (`<Error><Code>…</Code>…`), a proxy answers HTML.
function readMarkup(text: string): ErrorBody {
  const tag = (name: string): string | undefined => {
    const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(text.slice(0, MAX_MARKUP_SCAN));
    return m?.[1] === undefined || m[1].trim() === '' ? undefined : m[1].trim();
  };
  const code = tag('Code');
  if (code !== undefined) return { code, message: cut(tag('Message')), requestId: tag('RequestId') };
  // An HTML page: its title, else its text. Read in one pass over its start (a message keeps 500
  // characters): regular expressions such as <[^>]*> rescan to the end from every `<`, quadratic in a
  // body of a megabyte of them, and the call's deadline cannot interrupt synchronous work.
  const page = text.slice(0, MAX_MARKUP_SCAN);
  const lower = page.toLowerCase();
  const title = titleOf(page, lower);
  return { ...NONE, message: title !== undefined ? cut(title) : textSnippet(stripMarkup(page, lower)) };
}

/** MAX_MARKUP_SCAN is how much of an XML or HTML error body is read for its code, title or text. */
export const MAX_MARKUP_SCAN = 64 * 1024;

// The text of the page's first <title>…</title>, undefined when it has none or it is blank.
function titleOf(page: string, lower: string): string | undefined {
  const open = lower.indexOf('<title');
  if (open === -1) return undefined;
  const start = lower.indexOf('>', open);
  if (start === -1) return undefined;
  const end = lower.indexOf('<', start + 1);
  const title = page.slice(start + 1, end === -1 ? page.length : end).trim();
  return title === '' ? undefined : title;
}

// The page without its tags, and without the content of its <script> and <style> elements.
function stripMarkup(page: string, lower: string): string {
  let out = '';
  let at = 0;
  while (at < page.length) {
    const open = page.indexOf('<', at);
    if (open === -1) return out + page.slice(at);
    out += `${page.slice(at, open)} `;
    const element = /^<(script|style)\b/.exec(lower.slice(open, open + 8))?.[1];
    const close = element === undefined ? open : lower.indexOf(`</${element}`, open);
    const end = close === -1 ? -1 : lower.indexOf('>', close);
    if (end === -1) return out;
    at = end + 1;
  }
  return out;
}

function textSnippet(text: string): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? undefined : cut(flat);
}

function cut(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.length > MAX_CLOUD_MESSAGE ? `${text.slice(0, MAX_CLOUD_MESSAGE - 1)}…` : text;
}
