// rescind init: a starter rescind.config.yaml (two accounts on the built-in emulator) and one example
// plan, each with the editor modeline that names its schema the way every teammate's editor finds it:
// the package's bundled schema, by a relative path, when rescind is installed inside the project;
// otherwise the schema's published URL. It never overwrites: when either file exists, nothing is written.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatDiagnostic } from '../../render/diagnostics/text.js';
import type { CommandSpec, Parsed } from '../args.js';
import { docsLink } from '../docs-link.js';
import { EXIT } from '../exit.js';
import { type Io, styleFor } from '../io.js';
import { modeline, schemaRef } from '../modeline.js';

/** spec is the command line of init. */
export const spec: CommandSpec = {
  name: 'init',
  usage: 'rescind init [--plan FILE]',
  summary:
    'Write a starter rescind.config.yaml (two accounts on the built-in emulator) and an example plan,\n' +
    'each with the modeline that gives editors completion and checking. Never overwrites: when a file\n' +
    'exists, nothing is written. Exit status: 0 written, 1 a file exists.',
  examples: [
    'rescind init && rescind plan plans/example.yaml    # start, and preview the example',
    'rescind init --plan revocations/offboard-bob.yaml  # the example plan elsewhere',
  ],
  options: {
    plan: {
      type: 'string',
      value: 'FILE',
      default: 'plans/example.yaml',
      description: 'where to write the example plan',
    },
  },
  maxPositionals: 0,
};

/** run writes the starter files into io.cwd. */
export async function run(args: Parsed, io: Io): Promise<number> {
  const planFile = typeof args.values.plan === 'string' ? args.values.plan : 'plans/example.yaml';
  const files = [
    { file: 'rescind.config.yaml', text: configText },
    { file: planFile, text: planText },
  ];
  const existing = files.filter((f) => existsSync(resolve(io.cwd, f.file)));
  if (existing.length > 0) {
    const style = styleFor(io.stderr, io.env);
    for (const f of existing) {
      const message = `${f.file} exists; rescind init never overwrites a file, so nothing was written`;
      io.stderr.write(
        `${formatDiagnostic({ severity: 'error', code: 'init.exists', file: f.file, message }, style)}\n`,
      );
    }
    return EXIT.error;
  }
  for (const f of files) {
    const path = resolve(io.cwd, f.file);
    mkdirSync(dirname(path), { recursive: true });
    // Relative to the file, as the editor resolves it; or the URL, the same on every machine.
    const schema = schemaRef(io.cwd, path);
    writeFileSync(path, f.text(schema), { flag: 'wx' });
    io.stdout.write(`wrote ${f.file}\n`);
  }
  io.stdout.write(`\nNext: rescind plan ${planFile}\n`);
  return EXIT.ok;
}

function configText(schema: (name: string) => string): string {
  return `${modeline(schema('config.schema.json'))}
#
# The accounts that plans revoke in. Both run on the emulator built into rescind,
# so the example plan needs no cloud and no credentials. For a real account, drop
# \`emulator: builtin\`, and set HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK or
# ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET:
# ${docsLink('config.md#credentials')}
apiVersion: rescind/v1
kind: Config
accounts:
  hw-prod:
    cloud: huaweicloud
    region: ap-southeast-1
    projectId: 0b5e7c9d2f4a4c1e8d3f6a7b9c1d2e3f
    domainId: 9f8e7d6c5b4a39281706f5e4d3c2b1a0
    emulator: builtin
  ali-prod:
    cloud: alibabacloud
    region: cn-hangzhou
    emulator: builtin
`;
}

function planText(schema: (name: string) => string): string {
  return `${modeline(schema('plan.schema.json'))}
#
# An example revocation plan, on the built-in emulator's demo accounts. Preview it
# with \`rescind plan\`; \`rescind apply\` revokes it and verifies every target.
apiVersion: rescind/v1
kind: RevocationPlan
metadata:
  name: example
  reason: An example offboarding, on the built-in emulator
  ticket: SEC-1
spec:
  revocations:
    # Every KMS grant of one key to one IAM user.
    - id: kms-grants
      type: huaweicloud.kms.grant
      account: hw-prod
      select:
        keyIds: [0d0466b0-e727-4d9c-b35d-f84bb474a37f]
        granteePrincipal: 5a8c1f0e2b7d4c39a1e6f3b2d9c8e7a1
    # Every edge client certificate whose common name starts with alice-.
    - id: esa-certificates
      type: alibabacloud.esa.client-certificate
      account: ali-prod
      select:
        siteId: 1234567890123
        commonName: "alice-*"
`;
}
