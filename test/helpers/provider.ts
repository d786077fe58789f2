// Providers against the emulator, over real HTTP: an emulator on 127.0.0.1:0 with
// the demo seed (or another), the accounts of a config pointing at it with the demo
// credentials in the environment, retries without real waiting, and the admin calls.
// Also a scripted account for the cloud answers no emulator gives.

import { request } from 'undici';
import type { RescindConfig } from '../../src/config/config.js';
import { type EmulatorOptions, startEmulator } from '../../src/emulator/server.js';
import type { CallOptions, CallResult, HttpClient } from '../../src/http/client.js';
import type { ProviderAccount } from '../../src/providers/types.js';
import { createSession } from '../../src/session/session.js';
import { cloudServices } from '../../src/vocabulary.js';
import { demo } from './emulator-client.js';

/** DEMO_ENV holds the demo seed's credentials in the clouds' conventional variables. */
export const DEMO_ENV = {
  HUAWEICLOUD_SDK_AK: demo.huawei.accessKey,
  HUAWEICLOUD_SDK_SK: demo.huawei.secretKey,
  ALIBABA_CLOUD_ACCESS_KEY_ID: demo.alibaba.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: demo.alibaba.accessKeySecret,
};

/** Bench is an emulator and the two demo accounts on it: hw (Huawei) and ali (Alibaba). */
export interface Bench {
  url: string;
  hw: ProviderAccount;
  ali: ProviderAccount;
  /** waits lists every retry wait asked for, in ms (none is really waited). */
  waits: number[];
  /** faults changes the emulator's fault settings. */
  faults(settings: Record<string, number>): Promise<void>;
  stats(): Promise<{ requests: Record<string, number>; throttled: number; faults: number }>;
  state(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * startBench starts an emulator and opens the demo accounts on it. With waitsMoveClock, the emulator's
 * clock starts now and moves only by the client's retry waits: a throttling bucket refills as if the
 * waits had been waited.
 */
export async function startBench(
  options: EmulatorOptions = {},
  { waitsMoveClock = false }: { waitsMoveClock?: boolean } = {},
): Promise<Bench> {
  let clock = Date.now();
  const emulator = await startEmulator(waitsMoveClock ? { ...options, now: () => new Date(clock) } : options);
  const config: RescindConfig = {
    apiVersion: 'rescind/v1',
    kind: 'Config',
    accounts: {
      hw: {
        cloud: 'huaweicloud',
        region: 'ap-southeast-1',
        projectId: demo.projectId,
        domainId: demo.domainId,
        endpoint: emulator.url,
        rateLimits: { default: 0 },
      },
      ali: {
        cloud: 'alibabacloud',
        region: 'cn-hangzhou',
        endpoint: emulator.url,
        rateLimits: { default: 0 },
      },
    },
  };
  const waits: number[] = [];
  const session = createSession({
    config,
    env: DEMO_ENV,
    cwd: process.cwd(),
    http: {
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      retry: { maxAttempts: 6 },
    },
  });
  const opened = await session.openAccounts({
    hw: cloudServices.huaweicloud,
    ali: cloudServices.alibabacloud,
  });
  const hw = opened.accounts.get('hw');
  const ali = opened.accounts.get('ali');
  if (hw === undefined || ali === undefined)
    throw new Error(`accounts did not open: ${JSON.stringify(opened.diagnostics)}`);
  const admin = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const res = await request(`${emulator.url}/_emulator/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`emulator admin ${path}: ${res.statusCode} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  return {
    url: emulator.url,
    hw,
    ali,
    waits,
    faults: async (settings) => {
      await admin('POST', 'faults', settings);
    },
    stats: async () => (await admin('GET', 'stats')) as Awaited<ReturnType<Bench['stats']>>,
    state: () => admin('GET', 'state'),
    close: async () => {
      await session.close();
      await emulator.close();
    },
  };
}

/**
 * stubAccount is an Alibaba account whose HTTP client answers from a script (the n-th call, counting
 * from 1), for the answers a real emulator never gives: odd paging, wrong shapes. A returned Error is
 * thrown as the call's failure. calls records every call made.
 */
export function stubAccount(
  endpoint: string,
  answer: (o: CallOptions, n: number) => unknown,
): { account: ProviderAccount; calls: CallOptions[] } {
  const calls: CallOptions[] = [];
  const call = async (o: CallOptions): Promise<CallResult> => {
    calls.push(o);
    const body = answer(o, calls.length);
    if (body instanceof Error) throw body;
    return { status: 200, headers: {}, body, requestId: 'STUB', attempts: 1 };
  };
  const http = {
    cloud: 'alibabacloud',
    account: 'stub',
    call,
    close: async () => {},
  } as unknown as HttpClient;
  const account: ProviderAccount = {
    name: 'stub',
    cloud: 'alibabacloud',
    region: 'cn-hangzhou',
    endpoint: () => endpoint,
    endpoints: { esa: endpoint, ack: endpoint, sts: endpoint },
    http,
  };
  return { account, calls };
}
