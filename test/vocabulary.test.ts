// The shared words agree with each other and with the rest of the house: every type's cloud
// and service, each cloud's services, the providers' and the emulator's services.

import { describe, expect, it } from 'vitest';
import { services } from '../src/emulator/services.js';
import { providerOf } from '../src/providers/registry.js';
import {
  cloudOfType,
  cloudServices,
  clouds,
  identityService,
  isTypeName,
  serviceNames,
  serviceOfType,
  typeNames,
} from '../src/vocabulary.js';

describe('vocabulary', () => {
  it('names each type <cloud>.<service>.<credential>, with its own service', () => {
    expect(typeNames.map((t) => [cloudOfType(t), serviceOfType(t)])).toEqual([
      ['huaweicloud', 'cce'],
      ['huaweicloud', 'ccm'],
      ['alibabacloud', 'esa'],
      ['huaweicloud', 'kms'],
      ['alibabacloud', 'ack'],
    ]);
    expect(new Set(typeNames.map(serviceOfType)).size).toBe(typeNames.length);
  });

  it("lists each cloud's services: its types', and its identity service", () => {
    for (const cloud of clouds) {
      const used = typeNames.filter((t) => cloudOfType(t) === cloud).map(serviceOfType);
      expect([...cloudServices[cloud]].sort()).toEqual([...used, identityService[cloud]].sort());
    }
    expect([...clouds.flatMap((c) => cloudServices[c])].sort()).toEqual([...serviceNames].sort());
  });

  it('tells type names from other strings', () => {
    expect(typeNames.every(isTypeName)).toBe(true);
    expect(['huaweicloud.kms', 'kms', 42, undefined].some(isTypeName)).toBe(false);
  });

  it('is the vocabulary of the providers and of the emulator', () => {
    for (const type of typeNames) expect(providerOf(type).cloud).toBe(cloudOfType(type));
    expect(services.map((s) => s.service).sort()).toEqual([...serviceNames].sort());
  });
});
