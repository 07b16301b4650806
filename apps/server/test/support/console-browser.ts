import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { TempDir } from '../../../../tooling/test/test-pki';
import { makeTempDir, opensslOk } from '../../../../tooling/test/test-pki';

/** Debian's Chromium, which scripts/chromium.sh installs; `CERTEXIT_CHROMIUM` points elsewhere. */
export const CHROMIUM = process.env.CERTEXIT_CHROMIUM ?? '/usr/bin/chromium';

/** A browser profile on the console: its page, and every error the page logged. */
export interface ConsoleProfile {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and warnings, uncaught exceptions, CSP violations: what a test must end without. */
  readonly errors: string[];
  /** Takes the errors matching `pattern` out of {@link errors}: the test caused them on purpose. */
  expectErrors(pattern: RegExp): string[];
  close(): Promise<void>;
}

/** Options of {@link openConsoleProfile}. */
export interface ConsoleProfileOptions {
  /** The CA certificate the server's TLS certificate chains to (PEM): the profile trusts it, nothing else. */
  caPem: string;
  /** `https://127.0.0.1:<port>`: where the profile sends its client certificate. */
  origin: string;
  /** A TLS client certificate for the profile, selected for `origin` without a prompt. */
  clientCertificate?: { certPem: string; keyPem: string; issuerCommonName: string };
}

/**
 * Opens a fresh Chromium profile (headless) that trusts the test CA the way a person's browser would: through its
 * own NSS database (`$HOME/.pki/nssdb`), never by turning certificate checks off. With a client certificate, the
 * certificate and key go into that database too, and the profile's preferences select it for the server's origin
 * (Chromium's AutoSelectCertificateForUrls setting), as a managed desktop would.
 */
export async function openConsoleProfile(options: ConsoleProfileOptions): Promise<ConsoleProfile> {
  const home: TempDir = makeTempDir('certexit-chromium-');
  const nss = `sql:${join(home.path, '.pki', 'nssdb')}`;
  mkdirSync(join(home.path, '.pki', 'nssdb'), { recursive: true });
  _run('certutil', ['-N', '-d', nss, '--empty-password']);
  _run('certutil', ['-A', '-d', nss, '-t', 'C,,', '-n', 'certexit test CA', '-i', home.write('ca.pem', options.caPem)]);
  const profile = join(home.path, 'profile');
  mkdirSync(join(profile, 'Default'), { recursive: true });
  if (options.clientCertificate) {
    const p12 = home.file('client.p12');
    opensslOk([
      'pkcs12',
      '-export',
      '-in',
      home.write('client.pem', options.clientCertificate.certPem),
      '-inkey',
      home.write('client.key', options.clientCertificate.keyPem),
      '-out',
      p12,
      '-passout',
      'pass:test',
      '-name',
      'certexit test client',
    ]);
    _run('pk12util', ['-d', nss, '-i', p12, '-W', 'test']);
    const pattern = `${options.origin},*`;
    writeFileSync(
      join(profile, 'Default', 'Preferences'),
      JSON.stringify({
        profile: {
          content_settings: {
            exceptions: {
              auto_select_certificate: {
                [pattern]: { setting: { filters: [{ ISSUER: { CN: options.clientCertificate.issuerCommonName } }] } },
              },
            },
          },
        },
      }),
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, HOME: home.path } as Record<string, string>,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
    args: ['--disable-gpu', '--no-first-run', '--no-default-browser-check'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  const watch = (p: Page) => {
    p.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        errors.push(`console.${message.type()}: ${message.text()}`);
    });
    p.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  };
  watch(page);
  context.on('page', watch);
  return {
    context,
    page,
    errors,
    expectErrors(pattern) {
      const matched = errors.filter((e) => pattern.test(e));
      const rest = errors.filter((e) => !pattern.test(e));
      errors.splice(0, errors.length, ...rest);
      return matched;
    },
    async close() {
      await context.close();
      home.remove();
    },
  };
}

function _run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
}
