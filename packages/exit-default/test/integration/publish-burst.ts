import type { ICertExit2, RegistryTree } from '@certexit/core';
import { CT_FLAG_PUBLISH_TO_DS, EXITEVENT_CERTISSUED } from '@certexit/core';
import type { LdapClientFactory } from '@certexit/ldap';
import type { ServerExitFixture, TestServices } from '@certexit/testing';
import { createTestServices, defaultFixture } from '@certexit/testing';
import { Client } from 'ldapts';
import { createDefaultExitModule } from '../../src';

/** What {@link publishBurst} saw: each Notify's outcome, and the LDAP connections and searches it took. */
export interface BurstOutcome {
  readonly results: PromiseSettledResult<unknown>[];
  readonly connections: number;
  readonly searches: number;
  readonly services: TestServices;
}

/**
 * Issues one certificate per requester (`DOMAIN\name`) and sends every CERTISSUED at once to one default exit
 * module, as a delivery lane with several notifications in flight does. Real ldapts clients, counted.
 */
export async function publishBurst(
  requesters: readonly string[],
  ders: readonly Uint8Array[],
  config: RegistryTree,
): Promise<BurstOutcome> {
  const base = defaultFixture();
  const issued = base.contexts[1]!;
  const contexts: ServerExitFixture['contexts'] = Object.fromEntries(
    requesters.map((requester, i) => [
      i + 1,
      {
        ...issued,
        request: { ...issued.request, RequestID: i + 1, RequesterName: requester },
        certificate: {
          ...issued.certificate,
          RawCertificate: ders[i]!,
          EnrollmentFlags: CT_FLAG_PUBLISH_TO_DS,
          GeneralFlags: 0,
          CertificateTemplate: 'User',
        },
        system: {},
      },
    ]),
  );
  let connections = 0;
  let searches = 0;
  const factory: LdapClientFactory = (options) => {
    connections++;
    const client = new Client(options);
    const search = client.search.bind(client);
    client.search = (...args: Parameters<Client['search']>) => {
      searches++;
      return search(...args);
    };
    return client;
  };
  const services = createTestServices({ fixture: { ...base, contexts }, config });
  const module = (await createDefaultExitModule({ ldapClientFactory: factory }).create(services)) as ICertExit2;
  await module.Initialize('certexit Test CA');
  const results = await Promise.allSettled(
    requesters.map((_, i) => Promise.resolve(module.Notify(EXITEVENT_CERTISSUED, i + 1))),
  );
  return { results, connections, searches, services };
}
