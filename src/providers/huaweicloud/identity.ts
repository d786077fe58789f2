// Who a Huawei Cloud account authenticates as, for each form of credential: an IAM token's own details
// (KeystoneValidateToken: a user, an agency and who assumed it, a federated user); what a temporary
// AK/SK's source read from the token it was exchanged for (an agency's, a federated user's); an ECS
// server's agency by the name its metadata gives (ListAgencies); a permanent access key's user
// (ShowPermanentAccessKey, which answers for permanent keys only). The root is the account (domain).

import { lookUpDomain, tokenDetails } from '../../credentials/huawei-iam.js';
import type { Learned, Principal } from '../../credentials/types.js';
import { CloudError, RescindError } from '../../http/errors.js';
import type { CallerIdentity, CallerKind } from '../../plan/model.js';
import { isRecord, withSignal } from '../common.js';
import { callFailed, problem } from '../diagnose.js';
import type { ProviderRequest, WhoamiResponse } from '../types.js';
import { assumedFromOfPrincipal, learnedOf } from '../whoami.js';

/** whoamiHuawei reads who the account's credentials act as; see the top of this file. */
export async function whoamiHuawei(req: ProviderRequest): Promise<WhoamiResponse> {
  const { account } = req;
  const where = `${account.name}/iam`;
  const facts = account.credential;
  const form = facts?.form() ?? (account.accessKeyId === undefined ? 'token' : 'access-key');
  try {
    let learned: Learned;
    if (form === 'token') {
      learned = await validateToken(req, facts?.token());
    } else {
      const got = await learnedOf(req, where);
      if ('diagnostic' in got) return { diagnostics: [got.diagnostic] };
      learned = got.learned;
      const principal = learned.principal;
      if (principal?.kind === 'agency' && principal.ids.length === 0 && principal.name !== undefined) {
        learned = { ...learned, principal: await agencyByName(req, principal.name) };
      } else if (principal === undefined) {
        // A key whose source says nothing of it: IAM names the user of a permanent key, and answers
        // 404 for a temporary one, whose user or agency no IAM API tells.
        const accessKeyId = facts?.accessKeyId() ?? account.accessKeyId;
        const unknown = () => {
          const message = `account ${account.name} authenticates with temporary AK/SK (${facts?.source ?? 'unknown source'}), whose user or agency IAM does not tell: use a permanent access key, an IAM token, an agency or OIDC federation as its credentials`;
          return { diagnostics: [problem('account.credentials', message, where)] };
        };
        if (accessKeyId === undefined) return unknown();
        try {
          learned = { principal: await permanentKeyUser(req, accessKeyId) };
        } catch (e) {
          if (form === 'temporary' && e instanceof CloudError && e.status === 404) return unknown();
          throw e;
        }
      }
    }
    const principal = learned.principal;
    if (principal === undefined || principal.ids.length === 0) {
      return { diagnostics: [problem('cloud.unexpected', 'IAM named no user for the credentials', where)] };
    }
    // The root: the token's account, the config's domainId, else the account IAM says the
    // credentials belong to (KeystoneListAuthDomains); without one, never-revoke-root knows no root.
    const root = principal.account ?? account.domainId ?? (await domainOf(req));
    const from = learned.assumedFrom;
    const caller: CallerIdentity = {
      ids: [...principal.ids],
      roots: root === undefined ? [] : [root],
      kind: kindOf(principal),
      ...(principal.name === undefined ? {} : { name: principal.name }),
      ...(from === undefined ? {} : { assumedFrom: assumedFromOfPrincipal(from) }),
    };
    return { caller, diagnostics: [] };
  } catch (e) {
    if (e instanceof UnexpectedAnswer)
      return { diagnostics: [problem('cloud.unexpected', e.message, where)] };
    return { diagnostics: [callFailed(e, where)] };
  }
}

function kindOf(principal: Principal): CallerKind {
  return principal.kind === 'instance' || principal.kind === 'oidc-subject' ? 'user' : principal.kind;
}

// GET /v3/auth/tokens with the token as both credential and subject: its own details.
async function validateToken(req: ProviderRequest, token: string | undefined): Promise<Learned> {
  const { account } = req;
  if (token === undefined) throw new Error('whoamiHuawei: a token account without its token');
  const result = await account.http.call({
    method: 'GET',
    url: `${account.endpoint('iam')}/v3/auth/tokens`,
    headers: { 'x-subject-token': token },
    service: 'iam',
    operation: 'KeystoneValidateToken',
    ...withSignal(req.signal),
  });
  return tokenDetails(result.body, 'IAM KeystoneValidateToken');
}

// The account of the credentials, or undefined when IAM does not say it.
async function domainOf(req: ProviderRequest): Promise<string | undefined> {
  try {
    return await lookUpDomain(req.account.http, req.account.endpoint('iam'), req.signal);
  } catch (e) {
    if (e instanceof RescindError) return undefined;
    throw e;
  }
}

// ShowPermanentAccessKey of the account's own key: its user.
async function permanentKeyUser(req: ProviderRequest, accessKeyId: string): Promise<Principal> {
  const { account } = req;
  const result = await account.http.call({
    method: 'GET',
    url: `${account.endpoint('iam')}/v3.0/OS-CREDENTIAL/credentials/${encodeURIComponent(accessKeyId)}`,
    service: 'iam',
    operation: 'ShowPermanentAccessKey',
    ...withSignal(req.signal),
  });
  const credential = isRecord(result.body) ? result.body.credential : undefined;
  const userId = isRecord(credential) ? credential.user_id : undefined;
  if (typeof userId !== 'string' || userId === '') {
    throw new UnexpectedAnswer(
      `IAM ShowPermanentAccessKey returned no user_id (request id ${result.requestId ?? 'none'})`,
    );
  }
  return { kind: 'user', ids: [userId] };
}

// ListAgencies of the account's domain, by the agency's name: its ID.
async function agencyByName(req: ProviderRequest, name: string): Promise<Principal> {
  const { account } = req;
  const domainId = account.domainId ?? (await domainOf(req));
  if (domainId === undefined) {
    throw new UnexpectedAnswer(`the agency ${name} cannot be looked up without the account's domainId`);
  }
  const result = await account.http.call({
    method: 'GET',
    url: `${account.endpoint('iam')}/v3.0/OS-AGENCY/agencies`,
    query: { domain_id: domainId, name },
    service: 'iam',
    operation: 'ListAgencies',
    ...withSignal(req.signal),
  });
  const agencies = isRecord(result.body) && Array.isArray(result.body.agencies) ? result.body.agencies : [];
  const found = agencies.filter(
    (a) => isRecord(a) && a.name === name && typeof a.id === 'string' && a.id !== '',
  );
  if (found.length !== 1) {
    throw new UnexpectedAnswer(
      `IAM ListAgencies found ${found.length} agencies named ${name} (request id ${result.requestId ?? 'none'})`,
    );
  }
  const agency = found[0] as Record<string, unknown>;
  return { kind: 'agency', ids: [agency.id as string], name, account: domainId };
}

// An answer that lacks what whoami needs: a cloud.unexpected diagnostic.
class UnexpectedAnswer extends Error {}
