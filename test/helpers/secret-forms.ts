// Every form a secret could leak in, for the tests and the campaign that look for leaks. Written apart
// from src/http/redact.ts on purpose: a redactor checked with its own list of forms proves nothing.

/**
 * secretForms are the strings a secret could appear as: raw; percent-encoded (encodeURIComponent, RFC
 * 3986, form-encoded with `+`, lower-case hex, every byte escaped); base64 and base64url, with and
 * without padding, at each of the three alignments it can take inside a longer encoded value (only the
 * characters that depend on the secret's bytes alone); JSON-escaped (also with every non-ASCII and
 * `/` escaped). Forms shorter than 8 characters are left out: they would match by chance.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>();
  const rfc3986 = encodeURIComponent(secret).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const bytes = Buffer.from(secret, 'utf8');
  const everyByte = [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  forms.add(secret);
  for (const encoded of [
    encodeURIComponent(secret),
    rfc3986,
    rfc3986.replace(/%20/g, '+'),
    new URLSearchParams({ v: secret }).toString().slice(2),
    everyByte,
  ]) {
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()));
  }
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const b64 = padded.toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6);
    const core = b64.slice(first, last);
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    if (offset === 0) {
      forms.add(b64);
      forms.add(padded.toString('base64url'));
    }
  }
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/'));
  forms.add(json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return [...forms].filter((f) => f.length >= 8);
}
