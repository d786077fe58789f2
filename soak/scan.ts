// The campaign's secret scan: every form a secret could leak in (raw, percent-encoded in the ways a URL
// or a form writes it, base64 and base64url at every alignment, JSON-escaped), searched in every text a
// scenario captured and every file a run left in its workspace (journals, saved plans, locks).

import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { demo } from '../test/helpers/emulator-client.js';
import { secretForms } from '../test/helpers/secret-forms.js';

/** CAMPAIGN_SECRETS are the secrets every scenario runs with: the demo identities' secret keys. */
export const CAMPAIGN_SECRETS: Readonly<Record<string, string>> = {
  'huawei secret key': demo.huawei.secretKey,
  'alibaba access key secret': demo.alibaba.accessKeySecret,
  'huawei token': demo.token,
};

/** ScanReport counts what was scanned and lists every hit: where, which secret, in which form. */
export interface ScanReport {
  texts: number;
  files: number;
  bytes: number;
  hits: string[];
}

/** Scanner collects texts and folders, then searches them all for every form of every secret. */
export class Scanner {
  readonly #secrets: [string, string[]][];
  readonly report: ScanReport = { texts: 0, files: 0, bytes: 0, hits: [] };

  constructor(secrets: Readonly<Record<string, string>> = CAMPAIGN_SECRETS) {
    this.#secrets = Object.entries(secrets).map(([name, value]) => [name, secretForms(value)]);
  }

  /** text searches one captured output (stdout, stderr, a log, a result), named where. */
  text(where: string, text: string): void {
    this.report.texts++;
    this.report.bytes += Buffer.byteLength(text);
    this.#search(where, text);
  }

  /** folder searches every regular file under dir (links are not followed), named relative to it. */
  folder(label: string, dir: string, skip: (relativePath: string) => boolean = () => false): void {
    const walk = (path: string) => {
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (st === undefined) return;
      if (st.isDirectory()) {
        for (const name of readdirSync(path).sort()) walk(join(path, name));
        return;
      }
      if (!st.isFile()) return;
      const rel = relative(dir, path);
      if (skip(rel)) return;
      const text = readFileSync(path, 'utf8');
      this.report.files++;
      this.report.bytes += st.size;
      this.#search(`${label}/${rel}`, text);
    };
    walk(dir);
  }

  #search(where: string, text: string): void {
    for (const [name, forms] of this.#secrets) {
      for (const form of forms) {
        const at = text.indexOf(form);
        if (at >= 0) {
          // The hit is shown in its context with the secret masked: a report must not leak it again.
          const context = text
            .slice(Math.max(0, at - 60), at + form.length + 60)
            .replaceAll(form, '<SECRET>');
          this.report.hits.push(
            `${where}: the ${name} (form ${forms.indexOf(form)}), at ${at}: ${JSON.stringify(context)}`,
          );
        }
      }
    }
  }

  /** line is the scan's part of a summary. */
  line(): string {
    const kib = Math.round(this.report.bytes / 1024).toLocaleString('en-US');
    return `secrets: ${this.report.texts} outputs and ${this.report.files} files (${kib} KiB) scanned, ${this.report.hits.length} hits`;
  }
}
