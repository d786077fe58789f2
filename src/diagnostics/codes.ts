// The closed set of diagnostic codes, each with the one-line description that
// SARIF rules and docs/diagnostics.md show. A new code is added here first.

/** diagnosticCodes maps every code to what it means; the keys are the closed union DiagnosticCode. */
export const diagnosticCodes = {
  'file.not-found': 'the path does not exist',
  'file.unreadable': 'the file could not be read',
  'file.not-regular': 'the path is a device, a FIFO, a socket or a folder where a file is expected',
  'file.too-large': 'the file is larger than rescind reads (10 MiB; a saved plan 64 MiB)',
  'file.unwritable': 'a file rescind writes (a saved plan) could not be written',
  'file.encoding': 'the file is not UTF-8 text',
  'file.control-character': 'the file holds a NUL byte or another control character YAML does not allow',
  'file.empty': 'the file holds no document',
  'init.exists': 'rescind init would overwrite a file, so it wrote nothing',
  'discover.query':
    'rescind discover was not told what to look for, or a principal, account or type it names is unknown or malformed',
  'discover.unread':
    'an account or a type could not be read by rescind discover, so what it found is not complete',
  'discover.exists': 'rescind discover would overwrite a file without --force, so it wrote nothing',
  'yaml.syntax': 'the file is not well-formed YAML',
  'yaml.tab-indent': 'a tab is used for indentation, which YAML does not allow',
  'yaml.duplicate-key': 'a mapping has the same key twice',
  'yaml.complex-key': 'a mapping key is a list or a mapping',
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
  'plan.missing': 'a target of the plan does not exist in the cloud',
  'apply.drift': 'a target of a saved plan changed since the plan was made: it is not touched',
  'apply.not-verified': 'a revoked target still reads active, or could not be read, after every retry',
  'apply.interrupted': 'the run was stopped before the target was finished',
  'apply.confirm': 'apply needs a yes: on a terminal, or --yes',
  'apply.locked': 'another apply of the same plan is running',
  'apply.run': 'a run to resume cannot be found or read',
  'apply.inputs-changed':
    'a file a saved plan was made from is missing, changed, or not read by a fresh plan of the same files',
  'apply.not-reviewed':
    'a saved plan holds a target, field or option that a fresh plan of the same files, config and policies does not',
  'apply.account-changed':
    'an account reaches another cloud, region, endpoint, project, domain or cloud account than when the plan was made',
  'apply.absent-since-plan':
    'a target active when the plan was made reads absent now, and no call of this run revoked it: never counted as done',
  'apply.journal': "a run's journal could not be written (a full disk): the run stopped, and can be resumed",
  'apply.denied': 'the built-in rules deny a target for the identity apply runs as, on what it reads now',
  'runs.unreadable': 'the runs folder (.rescind/runs/), or a run in it, cannot be read',
  'cli.usage':
    'a mistake in the command line: an unknown command or option, a value not allowed, an argument missing',
  'cli.internal': 'an internal error: a bug in rescind',
  'plan.inconsistent': "a saved plan's target does not match its address: rescind plan did not write it so",
  'plan.not-revocable': 'a target exists but its type cannot revoke it (a root CA)',
  'plan.digest': 'a saved plan was changed after it was written: its content does not match its digest',
  'config.secret': 'a config file holds what looks like a secret; secrets come from the environment',
  'config.not-found': 'the config file named by --config does not exist, or no config was found',
  'config.none': 'validate found no config: the accounts that plans name were not checked',
  'config.policy-not-found': 'a policy file listed by the config does not exist',
  'policy.denied': 'a policy, or a built-in rule, denies a target of the plan: nothing is revoked',
  'policy.invalid-pattern': 'a policy holds a regular expression that does not compile',
  'account.credentials':
    "an account's credentials cannot be had: none in any source, a source misconfigured or refusing, or a refresh failing",
  'account.lookup':
    "a Huawei Cloud account's projectId or domainId, not in the config, could not be looked up from IAM",
  'account.endpoint': "an account's endpoint cannot be used: not https://, or not a URL",
  'account.incomplete': 'an account lacks what a service needs: projectId for CCE and KMS, domainId for CCM',
  'account.emulator': 'the built-in emulator of an account could not start',
  'account.proxy': "an account's proxy cannot be used: not an http:// or https:// proxy URL",
  'account.ca-file': "an account's caFile cannot be used: missing, unreadable, or not PEM certificates",
  'cloud.error': 'the cloud answered a call with an error',
  'cloud.throttled': 'the cloud kept throttling a call after every retry',
  'cloud.unreachable':
    'the cloud could not be reached, or did not answer in time or in well-formed HTTP, after every retry',
  'cloud.tls':
    "a TLS connection failed: the server's certificate is not trusted, not for its name or expired, or the handshake failed",
  'cloud.aborted': 'a call was cancelled before the cloud answered',
  'cloud.not-found': 'a resource that a target or a selector names does not exist',
  'cloud.unexpected': 'the cloud answered with something rescind does not understand',
  'emulator.persist':
    "the emulator cannot keep its state in the --persist file: a missing folder, a link, or another emulator's",
  'emulator.duplicate-id': 'an emulator state lists the same identity, resource or credential twice',
  'emulator.mismatch':
    'a resource of an emulator state contradicts the resource that holds it (a grant of another key)',
} as const satisfies Record<string, string>;

/** DiagnosticCode is the closed union of every code rescind reports. */
export type DiagnosticCode = keyof typeof diagnosticCodes;
