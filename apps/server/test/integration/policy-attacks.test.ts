import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CERT_E_INVALID_NAME,
  CERTSRV_E_BAD_REQUESTSUBJECT,
  CERTSRV_E_KEY_LENGTH,
  CERTSRV_E_TEMPLATE_DENIED,
  CERTSRV_E_UNSUPPORTED_CERT_TYPE,
  CRYPT_E_ASN1_CORRUPT,
  CRYPT_E_INVALID_X500_STRING,
  DB_DISP_DENIED,
  DB_DISP_ERROR,
  DB_DISP_ISSUED,
  DB_DISP_PENDING,
  EXITEVENT_CERTDENIED,
  HRESULT_NO_SUCH_USER,
} from '@certexit/core';
import { fromPem, subjectAltName } from '@certexit/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeOid,
  encodeSequence,
  encodeTlv,
  TAG_BMP_STRING,
  TAG_UTF8_STRING,
} from '../../../../tooling/test/der-builder';
import { eventually } from '../../../../tooling/test/eventually';
import { parseStrictly } from '../../../../tooling/test/strict-parsers';
import type { TestPki } from '../../../../tooling/test/test-pki';
import { createTestPki } from '../../../../tooling/test/test-pki';
import { craftedRequest, rawGeneralNames, rawName, rawUpn } from '../support/crafted-request';
import type { ServedCa } from '../support/served-ca';
import { serveCa } from '../support/served-ca';

const CN = '2.5.4.3';
const OU = '2.5.4.11';
const SAN = '2.5.29.17';
const dns = (name: string) => encodeTlv(0x82, new TextEncoder().encode(name));

/**
 * The attacks of issue 11, each as a requester (or an administrator, where the attack is on content) would make it
 * against the built `certexit serve` over HTTPS: every one ends denied or failed with AD CS's HRESULT and
 * EXITEVENT_CERTDENIED, or issued exactly as the template says; ordinary requests still issue, and every
 * certificate the CAs sign parses with `openssl x509 -text` and Python `cryptography`.
 */
describe('the policy against attacks, on the built server over HTTPS', () => {
  const work = mkdtempSync(join(tmpdir(), 'certexit-policy-attacks-'));
  const issued: Uint8Array[] = [];
  let pki: TestPki;
  let enterprise: ServedCa;
  let standalone: ServedCa;
  const tokens = { mallory: '', webadmin: '', officer: '', standaloneMallory: '', standaloneOfficer: '' };

  const submit = async (ca: ServedCa, token: string, request: string, attributes: string[] = []) => {
    const answer = await ca.call('/v1/requests', { token, body: { request, attributes } });
    if (answer.json?.certificate) issued.push(fromPem(answer.json.certificate).der);
    return answer;
  };
  /** A denial or failure: the row, its HRESULT, and EXITEVENT_CERTDENIED delivered for it. */
  const expectRefused = async (
    ca: ServedCa,
    answer: Awaited<ReturnType<typeof submit>>,
    disposition: number,
    hresult: number,
    message: RegExp,
  ) => {
    const body = answer.json;
    const requestId = body.requestId as number;
    expect(requestId, JSON.stringify(body)).toBeGreaterThan(0);
    expect({ disposition: body.disposition, statusCode: body.statusCode }).toEqual({
      disposition,
      statusCode: hresult | 0,
    });
    expect(String(body.dispositionMessage ?? body.message)).toMatch(message);
    await eventually(() => expect(ca.events()).toContainEqual([EXITEVENT_CERTDENIED, requestId]), 15_000);
    return requestId;
  };

  beforeAll(async () => {
    pki = createTestPki();
    enterprise = await serveCa({
      dir: join(work, 'enterprise'),
      pki,
      setupArgs: ['--name', 'Policy Attacks Enterprise CA', '--type', 'enterprise-root'],
      prepare: (cli) => {
        tokens.mallory = cli('caller', 'add', 'CERTEXIT\\mallory', '--role', 'requester').token as string;
        tokens.webadmin = cli('caller', 'add', 'CERTEXIT\\webadmin', '--role', 'requester', '--group', 'Domain Admins')
          .token as string;
        tokens.officer = cli('caller', 'add', 'CERTEXIT\\officer', '--role', 'manager').token as string;
        // The administrator offers WebServer (off by default: the enrollee supplies its subject).
        cli('catemplates', '+WebServer');
      },
    });
    standalone = await serveCa({
      dir: join(work, 'standalone'),
      pki,
      setupArgs: ['--name', 'Policy Attacks Standalone CA', '--type', 'standalone-root'],
      prepare: (cli) => {
        tokens.standaloneMallory = cli('caller', 'add', 'CERTEXIT\\mallory', '--role', 'requester').token as string;
        tokens.standaloneOfficer = cli('caller', 'add', 'CERTEXIT\\officer', '--role', 'manager').token as string;
        // "A standalone CA set to issue": RequestDisposition = REQDISP_ISSUE.
        cli('setreg', 'policy\\RequestDisposition', '1');
      },
    });
  }, 120_000);

  afterAll(async () => {
    await enterprise?.stop();
    await standalone?.stop();
    pki?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a requester the SubCA template: off the list, then not enrollable, on both kinds of CA', async () => {
    const request = await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'Mallory Issuing CA']));
    await expectRefused(
      enterprise,
      await submit(enterprise, tokens.mallory, request, ['CertificateTemplate:SubCA']),
      DB_DISP_DENIED,
      CERTSRV_E_UNSUPPORTED_CERT_TYPE,
      /SubCA is not offered by this CA/,
    );
    // A manager offers SubCA over HTTP; only administrators may enroll for it.
    const offered = await enterprise.call('/v1/ca/templates', { token: tokens.officer, body: { edits: ['+SubCA'] } });
    expect(offered.status, offered.text).toBe(200);
    expect(offered.json.templates).toContain('SubCA');
    const forbidden = await enterprise.call('/v1/ca/templates', { token: tokens.mallory, body: { edits: ['+SubCA'] } });
    expect(forbidden.status).toBe(403);
    await expectRefused(
      enterprise,
      await submit(enterprise, tokens.mallory, request, ['CertificateTemplate:SubCA']),
      DB_DISP_DENIED,
      CERTSRV_E_TEMPLATE_DENIED,
      /do not allow CERTEXIT\\mallory to enroll/,
    );
    // The standalone CA set to issue: the same template, the same answer.
    await expectRefused(
      standalone,
      await submit(standalone, tokens.standaloneMallory, request, ['CertificateTemplate:SubCA']),
      DB_DISP_DENIED,
      CERTSRV_E_UNSUPPORTED_CERT_TYPE,
      /SubCA is not offered/,
    );
    standalone.cli('catemplates', '+SubCA');
    await expectRefused(
      standalone,
      await submit(standalone, tokens.standaloneMallory, request, ['CertificateTemplate:SubCA']),
      DB_DISP_DENIED,
      CERTSRV_E_TEMPLATE_DENIED,
      /do not allow/,
    );
    // Without a template the standalone CA issues an end-entity certificate, never a CA one.
    const plain = await submit(standalone, tokens.standaloneMallory, request);
    expect(plain.json.disposition, plain.text).toBe(DB_DISP_ISSUED);
    const [parsed] = parseStrictly([fromPem(plain.json.certificate).der]);
    expect(parsed!.python.basicConstraints).toEqual({ ca: false, pathLength: null });
  });

  it('never signs CN=Administrator with the administrator’s UPN for a requester (the ESC1 pattern)', async () => {
    const request = await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'Administrator']), [
      { oid: SAN, value: subjectAltName({ upn: ['administrator@certexit.test'] }).value },
    ]);
    // User builds its names from the directory; this CA has none, so it cannot issue User at all
    // (policy-directory-names.test.ts shows the names it builds on the Samba DC).
    await expectRefused(
      enterprise,
      await submit(enterprise, tokens.mallory, request, ['CertificateTemplate:User']),
      DB_DISP_DENIED,
      HRESULT_NO_SUCH_USER,
      /builds the names from the requester's directory object/,
    );
    // The standalone CA set to issue looks no requester up: it does not offer User at all.
    await expectRefused(
      standalone,
      await submit(standalone, tokens.standaloneMallory, request, ['CertificateTemplate:User']),
      DB_DISP_DENIED,
      CERTSRV_E_UNSUPPORTED_CERT_TYPE,
      /standalone CA does not look up/,
    );
    // WebServer takes names from the request, so requesters may not enroll for it.
    await expectRefused(
      enterprise,
      await submit(enterprise, tokens.mallory, request, ['CertificateTemplate:WebServer']),
      DB_DISP_DENIED,
      CERTSRV_E_TEMPLATE_DENIED,
      /WebServer do not allow CERTEXIT\\mallory/,
    );
  });

  it('refuses DNS:* and DNS:*.com even to a web administrator, and issues *.certexit.test', async () => {
    for (const name of ['*', '*.com']) {
      const request = await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'wildcard']), [
        { oid: SAN, value: rawGeneralNames(dns(name)) },
      ]);
      await expectRefused(
        enterprise,
        await submit(enterprise, tokens.webadmin, request, ['CertificateTemplate:WebServer']),
        DB_DISP_DENIED,
        CERT_E_INVALID_NAME,
        /wildcard/,
      );
    }
    const good = await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'certexit.test']), [
      { oid: SAN, value: rawGeneralNames(dns('*.certexit.test'), dns('certexit.test')) },
    ]);
    const answer = await submit(enterprise, tokens.webadmin, good, ['CertificateTemplate:WebServer']);
    expect(answer.json.disposition, answer.text).toBe(DB_DISP_ISSUED);
    const [parsed] = parseStrictly([fromPem(answer.json.certificate).der]);
    expect(parsed!.python.san).toEqual([
      { type: 'dns', value: '*.certexit.test' },
      { type: 'dns', value: 'certexit.test' },
    ]);
    expect(parsed!.python.extensions.map((e) => e.oid)).toContain('1.3.6.1.4.1.311.21.7');
  });

  it('refuses RSA-512 and RSA-1024 keys with CERTSRV_E_KEY_LENGTH, and issues RSA-2048', async () => {
    for (const bits of [512, 1024, 2048]) {
      const key = join(work, `rsa${bits}.key`);
      const csr = execFileSync(
        'openssl',
        ['req', '-new', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', key, '-subj', `/CN=rsa${bits}.certexit.test`],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const answer = await submit(enterprise, tokens.webadmin, csr, ['CertificateTemplate:WebServer']);
      if (bits < 2048)
        await expectRefused(enterprise, answer, DB_DISP_DENIED, CERTSRV_E_KEY_LENGTH, new RegExp(`${bits} bits`));
      else expect(answer.json.disposition, answer.text).toBe(DB_DISP_ISSUED);
    }
  });

  it('signs nothing that strict parsers cannot read: each malformed name ends as a denied or failed row', async () => {
    const cases: Array<
      [string, Uint8Array, Array<{ oid: string; critical?: boolean; value: Uint8Array }>, number, number, RegExp]
    > = [
      [
        'invalid UTF-8 in a UTF8String CN',
        rawName([CN, TAG_UTF8_STRING, Uint8Array.of(0x41, 0xc3, 0x28, 0x42)]),
        [],
        DB_DISP_DENIED,
        CRYPT_E_INVALID_X500_STRING,
        /UTF8String that is not valid UTF-8/,
      ],
      [
        'an unpaired surrogate in a BMPString',
        rawName([CN, TAG_BMP_STRING, Uint8Array.of(0x00, 0x41, 0xd8, 0x00)]),
        [],
        DB_DISP_DENIED,
        CRYPT_E_INVALID_X500_STRING,
        /surrogate/,
      ],
      [
        'a NUL inside a dNSName',
        rawName([CN, TAG_UTF8_STRING, 'nul']),
        [{ oid: SAN, value: rawGeneralNames(dns('www.certexit.test\u0000.evil.com')) }],
        DB_DISP_DENIED,
        CERT_E_INVALID_NAME,
        /U\+0000/,
      ],
      [
        'CRLF inside a UPN',
        rawName([CN, TAG_UTF8_STRING, 'crlf']),
        [{ oid: SAN, value: rawGeneralNames(rawUpn('admin\r\n@certexit.test')) }],
        DB_DISP_DENIED,
        CERT_E_INVALID_NAME,
        /U\+000D/,
      ],
      [
        'a critical SAN that is not GeneralNames',
        rawName([CN, TAG_UTF8_STRING, 'not-general-names']),
        [{ oid: SAN, critical: true, value: encodeTlv(0x04, new TextEncoder().encode('www.certexit.test')) }],
        DB_DISP_ERROR,
        CRYPT_E_ASN1_CORRUPT,
        /2\.5\.29\.17 is malformed/,
      ],
      [
        'an empty subject and no SAN',
        encodeSequence(),
        [],
        DB_DISP_DENIED,
        CERTSRV_E_BAD_REQUESTSUBJECT,
        /subject is empty/,
      ],
      [
        '110 OU values of 300 characters',
        rawName(
          ...Array.from({ length: 110 }, () => [OU, TAG_UTF8_STRING, 'o'.repeat(300)] as [string, number, string]),
        ),
        [],
        DB_DISP_DENIED,
        CERTSRV_E_BAD_REQUESTSUBJECT,
        /has 300 characters, more than the bound of 64/,
      ],
    ];
    for (const [what, subject, extensions, disposition, hresult, message] of cases) {
      const answer = await submit(enterprise, tokens.webadmin, await craftedRequest(subject, extensions), [
        'CertificateTemplate:WebServer',
      ]);
      expect(answer.status, `${what}: ${answer.text}`).toBe(disposition === DB_DISP_ERROR ? 400 : 201);
      await expectRefused(enterprise, answer, disposition, hresult, message);
    }
  });

  it('refuses 110 OU values of 500 characters from the built CLI as well (over HTTP the body limit stops it first)', () => {
    const file = join(work, 'ou500.req');
    return craftedRequest(
      rawName(...Array.from({ length: 110 }, () => [OU, TAG_UTF8_STRING, 'o'.repeat(500)] as [string, number, string])),
    ).then((pem) => {
      writeFileSync(file, fromPem(pem).der);
      const outcome = enterprise.cliOutcome('submit', '--attrib', 'CertificateTemplate:WebServer', file);
      // Exit code 2: denied (docs/cli.md).
      expect(outcome.status, outcome.stderr).toBe(2);
      expect(outcome.json).toMatchObject({
        disposition: DB_DISP_DENIED,
        statusCode: CERTSRV_E_BAD_REQUESTSUBJECT | 0,
      });
    });
  });

  it('gives a SAN with trailing bytes a failed row and EXITEVENT_CERTDENIED, not a bare 400', async () => {
    const trailing = Uint8Array.of(...rawGeneralNames(dns('www.certexit.test')), 0x00, 0x00);
    const answer = await submit(
      enterprise,
      tokens.webadmin,
      await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'trailing']), [{ oid: SAN, value: trailing }]),
      ['CertificateTemplate:WebServer'],
    );
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'bad_request', requestId: expect.any(Number) });
    await expectRefused(enterprise, answer, DB_DISP_ERROR, CRYPT_E_ASN1_CORRUPT, /trailing data/);
    // The row is there for a manager to see.
    const row = await enterprise.call(`/v1/requests/${answer.json.requestId}`, { token: tokens.officer });
    expect(row.json).toMatchObject({ disposition: DB_DISP_ERROR, statusCode: CRYPT_E_ASN1_CORRUPT | 0 });
  });

  it('holds the attribute limit however the attributes are packed', async () => {
    const before = (await enterprise.call('/v1/requests?limit=1000', { token: tokens.officer })).json.requests.length;
    const request = await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'packed']));
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `A${i}:x`);
    // 4,351 pairs in one item, as the finding packed them; 100 in one item by newlines and by \n escapes; two items
    // of 40; 65 items.
    const packings: Array<[string[], RegExp]> = [
      [[lines(4351).join('\n')], /must NOT have more than 4096 characters/],
      [[lines(100).join('\n')], /more than 64 attributes/],
      [[lines(100).join('\\n')], /more than 64 attributes/],
      [[lines(40).join('\n'), lines(40).join('\r\n')], /more than 64 attributes/],
      [lines(65), /must NOT have more than 64 items/],
    ];
    for (const [attributes, message] of packings) {
      const answer = await submit(enterprise, tokens.webadmin, request, attributes);
      expect(answer.status).toBe(400);
      expect(answer.json.message).toMatch(message);
    }
    expect((await enterprise.call('/v1/requests?limit=1000', { token: tokens.officer })).json.requests.length).toBe(
      before,
    );
  });

  it('copies no nameConstraints or unknown critical extension on a standalone CA, but keeps the S/MIME capabilities it allows', async () => {
    const nameConstraints = encodeSequence(
      encodeTlv(0xa0, encodeSequence(encodeTlv(0x80 + 2, new TextEncoder().encode('certexit.test')))),
    );
    const smime = encodeSequence(encodeSequence(encodeOid('2.16.840.1.101.3.4.1.42')));
    const answer = await submit(
      standalone,
      tokens.standaloneMallory,
      await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'copied.certexit.test']), [
        { oid: '2.5.29.30', critical: true, value: nameConstraints },
        { oid: '1.2.3.4.5.6.7', critical: true, value: Uint8Array.of(0x05, 0x00) },
        { oid: '1.2.840.113549.1.9.15', value: smime },
      ]),
    );
    expect(answer.json.disposition, answer.text).toBe(DB_DISP_ISSUED);
    const [parsed] = parseStrictly([fromPem(answer.json.certificate).der]);
    const oids = parsed!.python.extensions.map((e) => e.oid);
    expect(oids).not.toContain('2.5.29.30');
    expect(oids).not.toContain('1.2.3.4.5.6.7');
    expect(oids).toContain('1.2.840.113549.1.9.15');
  });

  it('pends on a standalone CA by default, as AD CS does', { timeout: 60_000 }, async () => {
    const dir = join(work, 'standalone-default');
    const ca = await serveCa({
      dir,
      pki,
      setupArgs: ['--name', 'Default Standalone', '--type', 'standalone-root'],
      prepare: (cli) => {
        tokens.standaloneMallory = cli('caller', 'add', 'CERTEXIT\\eve', '--role', 'requester').token as string;
      },
    });
    try {
      const answer = await submit(
        ca,
        tokens.standaloneMallory,
        await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'eve'])),
      );
      expect(answer.json.disposition).toBe(DB_DISP_PENDING);
    } finally {
      await ca.stop();
    }
  });

  it('honours the san attribute only after an administrator sets EDITF_ATTRIBUTESUBJECTALTNAME2, and logs the risk', {
    timeout: 30_000,
  }, async () => {
    const request = await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'san2.certexit.test']), [
      { oid: SAN, value: rawGeneralNames(dns('san2.certexit.test')) },
    ]);
    const attributes = ['CertificateTemplate:WebServer', 'san:dns=other.certexit.test'];
    const plain = await submit(enterprise, tokens.webadmin, request, attributes);
    expect(parseStrictly([fromPem(plain.json.certificate).der])[0]!.python.san).toEqual([
      { type: 'dns', value: 'san2.certexit.test' },
    ]);
    enterprise.cli('setreg', 'policy\\EditFlags', '+EDITF_ATTRIBUTESUBJECTALTNAME2');
    try {
      await eventually(async () => {
        const honoured = await submit(enterprise, tokens.webadmin, request, attributes);
        expect(parseStrictly([fromPem(honoured.json.certificate).der])[0]!.python.san).toEqual([
          { type: 'dns', value: 'other.certexit.test' },
        ]);
      });
      // The server writes the warning before it answers, but its stderr comes over a pipe, which this process may
      // read after the answer.
      await eventually(() => expect(enterprise.log()).toMatch(/EDITF_ATTRIBUTESUBJECTALTNAME2 is set.*ESC6/));
    } finally {
      enterprise.cli('setreg', 'policy\\EditFlags', '-EDITF_ATTRIBUTESUBJECTALTNAME2');
    }
  });

  it('accepts a request signed with SHA-1 and signs the certificate with SHA-256', async () => {
    const key = join(work, 'sha1.key');
    const csr = execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-sha1',
        '-nodes',
        '-keyout',
        key,
        '-subj',
        '/CN=sha1.certexit.test',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const answer = await submit(enterprise, tokens.webadmin, csr, ['CertificateTemplate:WebServer']);
    expect(answer.json.disposition, answer.text).toBe(DB_DISP_ISSUED);
    expect(parseStrictly([fromPem(answer.json.certificate).der])[0]!.python.signatureHash).toBe('sha256');
  });

  it('lets managers read and change templates over HTTP, and requesters only read the CA list', async () => {
    const list = await enterprise.call('/v1/templates', { token: tokens.officer });
    expect(list.status).toBe(200);
    expect(list.json.templates.find((t: { name: string }) => t.name === 'WebServer')).toMatchObject({
      onCaList: true,
      permissions: expect.arrayContaining([{ principal: 'Domain Admins', allow: ['Enroll'] }]),
    });
    expect((await enterprise.call('/v1/templates', { token: tokens.mallory })).status).toBe(403);
    expect((await enterprise.call('/v1/ca/templates', { token: tokens.mallory })).json.templates).toContain(
      'WebServer',
    );
    const changed = await enterprise.call('/v1/templates/WebServer', {
      token: tokens.officer,
      body: { field: 'Enroll', value: '+CERTEXIT\\mallory' },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.json.value).toContain('CERTEXIT\\mallory');
    const bad = await enterprise.call('/v1/templates/WebServer', {
      token: tokens.officer,
      body: { field: 'keyAlgorithms', value: '+DSA' },
    });
    expect(bad.status).toBe(400);
    expect((await enterprise.call('/v1/templates/Nope', { token: tokens.officer })).status).toBe(404);
    // mallory may now enroll for WebServer: the template's ACL, read by the running server at once.
    const answer = await submit(
      enterprise,
      tokens.mallory,
      await craftedRequest(rawName([CN, TAG_UTF8_STRING, 'mallory.certexit.test'])),
      ['CertificateTemplate:WebServer'],
    );
    expect(answer.json.disposition, answer.text).toBe(DB_DISP_ISSUED);
    await enterprise.call('/v1/templates/WebServer', {
      token: tokens.officer,
      body: { field: 'Enroll', value: '-CERTEXIT\\mallory' },
    });
  });

  it('every certificate the CAs signed parses with openssl x509 -text and Python cryptography', () => {
    expect(issued.length).toBeGreaterThanOrEqual(7);
    const parsed = parseStrictly(issued);
    for (const { openssl, python } of parsed) {
      expect(openssl).toContain('Certificate:');
      expect(python.ok).toBe(true);
    }
    expect(readFileSync(join(enterprise.dir, 'templates.json'), 'utf8')).toContain('"permissions"');
  });
});
