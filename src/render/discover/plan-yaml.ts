// The plan `rescind discover` writes: a RevocationPlan in YAML, one revocation per account and type
// with every target it found listed (`targets`), each with a comment saying what it is. Every value is
// written as a JSON string or number (valid YAML, nothing for YAML to reinterpret); comments come from
// the clouds' own names, so they are cleaned of line breaks and control characters and cut short: a
// grant named "x\n    - {...}" stays a comment and never becomes a target.

import type { TypeName } from '../../vocabulary.js';

/** DiscoveredGroup is what discover found of one type in one account. */
export interface DiscoveredGroup {
  account: string;
  type: TypeName;
  /** label names the type for people: `KMS grants`. */
  label: string;
  /** warning is said above the group: what a reviewer should know of these targets (ACK's 7-day rule). */
  warning?: string;
  targets: { target: Readonly<Record<string, unknown>>; note: string }[];
}

/** DiscoverPlanInput is the plan's metadata, what it was found with, and what was found. */
export interface DiscoverPlanInput {
  name: string;
  reason: string;
  ticket?: string;
  /** header lines say how the plan was made: the query, when, the accounts not read. */
  header: string[];
  groups: DiscoveredGroup[];
}

/** MAX_NOTE is the longest comment a target gets. */
const MAX_NOTE = 200;

/** discoverPlanData is the plan as data: what the text says, without its comments. */
export function discoverPlanData(input: DiscoverPlanInput): Record<string, unknown> {
  return {
    apiVersion: 'rescind/v1',
    kind: 'RevocationPlan',
    metadata: {
      name: input.name,
      reason: input.reason,
      ...(input.ticket === undefined ? {} : { ticket: input.ticket }),
    },
    spec: {
      revocations: input.groups.map((g, i) => ({
        id: revocationId(g, i),
        type: g.type,
        account: g.account,
        targets: g.targets.map((t) => ({ ...t.target })),
      })),
    },
  };
}

/** discoverPlanText is the plan as YAML, with a comment on every target; modeline is its first line. */
export function discoverPlanText(input: DiscoverPlanInput, modeline?: string): string {
  const lines: string[] = [];
  if (modeline !== undefined) lines.push(modeline, '#');
  for (const h of input.header) lines.push(comment('#', h));
  lines.push(
    'apiVersion: rescind/v1',
    'kind: RevocationPlan',
    'metadata:',
    `  name: ${JSON.stringify(input.name)}`,
    `  reason: ${JSON.stringify(input.reason)}`,
  );
  if (input.ticket !== undefined) lines.push(`  ticket: ${JSON.stringify(input.ticket)}`);
  lines.push('spec:', '  revocations:');
  for (const [i, g] of input.groups.entries()) {
    lines.push(comment('    #', `${g.account}: ${g.targets.length} ${g.label}`));
    if (g.warning !== undefined) lines.push(comment('    #', g.warning));
    lines.push(
      `    - id: ${JSON.stringify(revocationId(g, i))}`,
      `      type: ${g.type}`,
      `      account: ${JSON.stringify(g.account)}`,
      '      targets:',
    );
    for (const t of g.targets) {
      const fields = Object.entries(t.target).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
      lines.push(`        - {${fields.join(', ')}}${comment(' #', t.note)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// A revocation's id: its account and type, as a name (`hw-prod-kms-grant`); by its place when an
// account's name is too long for that (a name has at most 63 characters).
function revocationId(g: DiscoveredGroup, place: number): string {
  const short = g.type.split('.').slice(1).join('-');
  const id = `${g.account}-${short}`;
  return id.length <= 63 ? id : `${short}-${place + 1}`;
}

// A comment of text: every line break and control character a space, at most MAX_NOTE characters.
function comment(prefix: string, text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim();
  const cut = clean.length > MAX_NOTE ? `${clean.slice(0, MAX_NOTE - 1)}…` : clean;
  return cut === '' ? '' : `${prefix} ${cut}`;
}
