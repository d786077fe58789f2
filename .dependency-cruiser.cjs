// The layers of src/, bottom to top, and what must never import what. `npm test` runs this
// (npm run layers); docs/contributing.md explains each layer and where new code goes.
// A module may import its own layer and the layers below it, never one above.

/** layers, bottom first: [name, path pattern]. */
const layers = [
  ['vocabulary and diagnostics', '^src/(vocabulary|version)\\.ts$|^src/diagnostics/'],
  ['files, document, schema and signing', '^src/(files|document|schema|clouds)/'],
  ['plan data, config and policy', '^src/(plan|config|policy)/'],
  ['http', '^src/http/'],
  ['credentials', '^src/credentials/'],
  ['providers', '^src/providers/'],
  ['engine and emulator', '^src/(engine|emulator)/'],
  ['validate and render', '^src/(validate|render)/'],
  ['session and cli', '^src/(session|cli)/|^src/index\\.ts$'],
];

const upward = layers.slice(0, -1).map(([name, path], i) => ({
  name: `no-upward-from-${name.replaceAll(/[^a-z]+/g, '-')}`,
  comment: `${name} (layer ${i + 1}) imports only its own layer and the ones below it`,
  severity: 'error',
  from: { path },
  to: {
    path: layers
      .slice(i + 1)
      .map(([, p]) => `(${p})`)
      .join('|'),
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import circle in src/',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-in-layers',
      comment: 'every file of src/ belongs to a layer: add a new folder to the layers above',
      severity: 'error',
      from: { path: '^src/', pathNot: layers.map(([, p]) => `(${p})`).join('|') },
      to: {},
    },
    ...upward,
    {
      name: 'http-names-no-cloud',
      comment:
        'http composes retry, rate limit, signing and log over the Dialect and RequestSigner it is given: it imports no cloud, provider, plan, config or engine',
      severity: 'error',
      from: { path: '^src/http/' },
      to: {
        path: '^src/(providers|plan|config|policy|engine)/|^src/clouds/(huaweicloud|alibabacloud)/|^src/clouds/(credentials|dialects|services)\\.ts$',
      },
    },
    {
      name: 'credentials-name-no-provider',
      comment:
        'credential sources obtain and refresh credentials over the http layer: they never import a provider, the emulator, the engine, the session or the cli',
      severity: 'error',
      from: { path: '^src/credentials/' },
      to: { path: '^src/(providers|emulator|engine|session|cli)/' },
    },
    {
      name: 'providers-start-nothing',
      comment:
        'providers are handed opened accounts: they never import the emulator, the engine, the session or the cli',
      severity: 'error',
      from: { path: '^src/providers/' },
      to: { path: '^src/(emulator|engine|session|cli)/' },
    },
    {
      name: 'emulator-stands-alone',
      comment: 'the emulator is a cloud: it never imports providers, http, validate or the engine',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/(providers|http|validate|engine)/' },
    },
    {
      name: 'renderers-render',
      comment: 'renderers turn values into text: they never import providers, http or the engine',
      severity: 'error',
      from: { path: '^src/render/' },
      to: { path: '^src/(providers|http|engine)/' },
    },
    {
      name: 'cli-talks-to-the-session',
      comment:
        'the cli parses, calls the session, renders and returns an exit code: it never reaches past the session into the engine, the plan model or the providers',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/(engine|plan|providers)/' },
    },
    {
      name: 'only-the-root-starts-servers',
      comment: 'the session (and the library entry that exports it) alone starts an emulator',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(session/|index\\.ts$)|^src/emulator/' },
      to: { path: '^src/emulator/server\\.ts$' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'the cli is the top: nothing imports it',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    moduleSystems: ['es6'],
  },
};
