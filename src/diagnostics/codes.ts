// The closed set of diagnostic codes, each with the one-line description that
// SARIF rules and docs/diagnostics.md show. A new code is added here first.

/** diagnosticCodes maps every code to what it means; the keys are the closed union DiagnosticCode. */
export const diagnosticCodes = {
  'file.not-found': 'the path does not exist',
  'file.unreadable': 'the file could not be read',
  'file.too-large': 'the file is larger than rescind reads (10 MiB)',
  'file.encoding': 'the file is not UTF-8 text',
  'file.control-character': 'the file holds a NUL byte or another control character YAML does not allow',
  'file.empty': 'the file holds no document',
  'yaml.syntax': 'the file is not well-formed YAML',
  'yaml.tab-indent': 'a tab is used for indentation, which YAML does not allow',
  'yaml.duplicate-key': 'a mapping has the same key twice',
  'yaml.unknown-tag': 'a YAML tag (!something) that rescind does not understand',
  'yaml.unknown-anchor': 'an alias (*name) refers to an anchor (&name) that is not defined before it',
  'yaml.bad-merge': 'a merge key (<<) whose value is not a mapping or a list of mappings',
  'yaml.version': 'a %YAML directive asks for another YAML version than 1.2, which rescind reads',
  'yaml.alias-limit': 'aliases expand to more nodes than rescind accepts (an alias bomb)',
  'yaml.too-deep': 'collections are nested deeper than rescind accepts',
  'document.multiple': 'a file holds more than one YAML document',
  'document.kind': 'the document is not a rescind file kind (RevocationPlan, Config, Policy, EmulatorState)',
  'schema.required': 'a required field is missing',
  'schema.unknown-field': 'a field that this place does not have',
  'schema.type': 'a value of the wrong type',
  'schema.enum': 'a value outside the allowed set',
  'schema.pattern': 'a value in the wrong format',
  'schema.length': 'a text value that is too short or too long',
  'schema.range': 'a number outside the allowed range',
  'schema.items': 'a list with too few or too many items, or repeated items',
  'schema.exclusive': 'fields that must not be given together, or a missing one of several alternatives',
  'schema.invalid': 'a value the schema rejects for another reason',
  'plan.duplicate-id': 'two revocations of a plan share an id',
  'plan.unknown-account': 'a revocation names an account that the config does not define',
  'plan.account-cloud': "a revocation's type belongs to another cloud than its account",
  'config.secret': 'a config file holds what looks like a secret; secrets come from the environment',
  'config.not-found': 'the config file named by --config does not exist',
  'config.policy-not-found': 'a policy file listed by the config does not exist',
  'policy.invalid-pattern': 'a policy holds a regular expression that does not compile',
  'emulator.duplicate-id': 'an emulator state lists the same identity, resource or credential twice',
  'emulator.mismatch':
    'a resource of an emulator state contradicts the resource that holds it (a grant of another key)',
} as const satisfies Record<string, string>;

/** DiagnosticCode is the closed union of every code rescind reports. */
export type DiagnosticCode = keyof typeof diagnosticCodes;
