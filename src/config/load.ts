// Reading the config file through the document pipeline: its schema and its rules, with
// policy paths resolved against the config file's folder.

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type LoadedDocument, loadDocument } from '../document/pipeline.js';
import { configRules, type RescindConfig } from './config.js';

/** LoadedConfig is a loaded config file; config is present when it is valid. */
export interface LoadedConfig extends LoadedDocument {
  config?: RescindConfig;
}

/** loadConfig reads and checks the config file at path, named file in diagnostics. */
export function loadConfig(path: string, file: string): LoadedConfig {
  const dir = dirname(path);
  const loaded = loadDocument(path, file, {
    kinds: ['Config'],
    rules: { Config: configRules((p) => existsSync(resolve(dir, p))) },
  });
  return loaded.valid ? { ...loaded, config: loaded.data as RescindConfig } : loaded;
}

/** policyPaths are the absolute paths of a config's policy files, resolved against the config's folder. */
export function policyPaths(config: RescindConfig, configPath: string): string[] {
  const dir = dirname(configPath);
  return (config.policies ?? []).map((p) => resolve(dir, p));
}
