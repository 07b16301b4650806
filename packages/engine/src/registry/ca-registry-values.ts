import { declareRegistryValues, flagConstants, isEnterpriseCaType } from '@certexit/core';

/** The units `CRLPeriod` and the other `…Period` values take. */
export const CRL_PERIOD_UNITS = ['Years', 'Months', 'Weeks', 'Days', 'Hours', 'Minutes', 'Seconds'] as const;

const _SETUP = 'set by certexit setup';

/**
 * The values of the CA's own key (`...\Configuration\<CA>`, `certexit getreg CA`): name, type, default and meaning.
 * The engine's readers take names and defaults from here, and `getreg`/`setreg` check against it.
 */
export const CA_REGISTRY_VALUES = declareRegistryValues({
  CommonName: { type: 'REG_SZ', readOnly: _SETUP, meaning: "The CA's common name." },
  CAType: {
    type: 'REG_DWORD',
    readOnly: _SETUP,
    meaning: 'ENUM_CATYPES: 0 enterprise root, 1 enterprise subordinate, 3 standalone root, 4 standalone subordinate.',
  },
  UseDS: {
    type: 'REG_DWORD',
    default: ({ caType }) => (caType !== undefined && isEnterpriseCaType(caType) ? 1 : 0),
    min: 0,
    max: 1,
    meaning: 'The CA uses the directory (fUseDS): 1 on enterprise CAs.',
  },
  KeyAlgorithm: { type: 'REG_SZ', readOnly: _SETUP, meaning: "The algorithm of the CA's keys." },
  MachineDNSName: {
    type: 'REG_SZ',
    default: 'localhost',
    meaning: "The CA host's DNS name: %1 in publication URLs, the request file's name.",
  },
  DSDomainDN: { type: 'REG_SZ', meaning: 'The domain DN (%6 context, DomainDN property).' },
  DSConfigDN: { type: 'REG_SZ', meaning: 'The configuration DN (%6 in ldap:/// publication URLs).' },
  RequestFileName: {
    type: 'REG_SZ',
    readOnly: 'set when a subordinate CA writes its request',
    meaning: 'Where a subordinate CA wrote its certificate request.',
  },
  RequestId: {
    type: 'REG_DWORD',
    readOnly: 'set when a subordinate CA sends its request to a parent',
    meaning: "The subordinate's request ID at its parent CA.",
  },
  CRLPublicationURLs: {
    type: 'REG_MULTI_SZ',
    meaning: '<flags>:<URL> entries where CRLs are published and which go into the CDP extension (CSURL_* flags).',
  },
  CACertPublicationURLs: {
    type: 'REG_MULTI_SZ',
    meaning: '<flags>:<URL> entries where the CA certificate is published and which go into the AIA extension.',
  },
  CRLPeriod: {
    type: 'REG_SZ',
    default: 'Weeks',
    oneOf: CRL_PERIOD_UNITS,
    meaning: 'The unit of CRLPeriodUnits.',
  },
  CRLPeriodUnits: {
    type: 'REG_DWORD',
    default: 1,
    min: 1,
    max: 0xffff,
    meaning: 'How long a base CRL is current: the next one is published after it.',
  },
  CRLOverlapPeriod: {
    type: 'REG_SZ',
    default: 'Hours',
    oneOf: CRL_PERIOD_UNITS,
    meaning: 'The unit of CRLOverlapUnits.',
  },
  CRLOverlapUnits: {
    type: 'REG_DWORD',
    default: 0,
    max: 0xffff,
    meaning: 'How long a base CRL stays valid after the next is due; 0: 10% of the period, at most 12 hours.',
  },
  CRLDeltaPeriod: {
    type: 'REG_SZ',
    default: 'Days',
    oneOf: CRL_PERIOD_UNITS,
    meaning: 'The unit of CRLDeltaPeriodUnits.',
  },
  CRLDeltaPeriodUnits: {
    type: 'REG_DWORD',
    default: 0,
    max: 0xffff,
    meaning: 'How long a delta CRL is current; 0 disables delta CRLs.',
  },
  CRLDeltaOverlapPeriod: {
    type: 'REG_SZ',
    default: 'Minutes',
    oneOf: CRL_PERIOD_UNITS,
    meaning: 'The unit of CRLDeltaOverlapUnits.',
  },
  CRLDeltaOverlapUnits: {
    type: 'REG_DWORD',
    default: 0,
    max: 0xffff,
    meaning: 'How long a delta CRL stays valid after the next is due; 0: the default overlap.',
  },
  ClockSkewMinutes: {
    type: 'REG_DWORD',
    default: 10,
    max: 1440,
    meaning: 'CRLs are backdated and extended by this many minutes for clients whose clocks are off.',
  },
  ExitModuleThread: {
    type: 'REG_DWORD',
    default: 1,
    max: 1,
    meaning: 'serve runs the exit modules on a thread of their own; 0 keeps them on the engine thread.',
  },
  ExitModuleThreadMaxHeapMb: {
    type: 'REG_DWORD',
    default: 1024,
    min: 16,
    meaning: "The exit-module thread's heap limit: a module that leaks ends the thread, not the CA.",
  },
  ExitModuleThreadWatchdogMs: {
    type: 'REG_DWORD',
    default: 30_000,
    min: 100,
    meaning: 'A module thread that does not answer for this long is ended and started again.',
  },
  ExitModuleThreadNiceness: {
    type: 'REG_DWORD',
    default: 10,
    max: 19,
    meaning: "The exit-module thread's niceness on Linux: delivery runs on the CPU issuance leaves.",
  },
  ExitModuleThreadShareUnderLoad: {
    type: 'REG_DWORD',
    default: 10,
    min: 1,
    max: 100,
    meaning: "While requests are coming in, delivery takes at most this percentage of the module thread's time.",
  },
  ExitModuleThreadHoldUnderLoadMs: {
    type: 'REG_DWORD',
    default: 1000,
    meaning: 'When requests start coming in, delivery waits this long before taking its share.',
  },
  CRLFlags: {
    type: 'REG_DWORD',
    default: 0,
    flags: flagConstants('CRLF_'),
    meaning:
      "The CA's CRLF_* flags (CRLF_CRLNUMBER_CRITICAL, CRLF_PUBLISH_EXPIRED_CERT_CRLS, CRLF_DELETE_EXPIRED_CRLS act).",
  },
  CATemplates: {
    type: 'REG_MULTI_SZ',
    meaning:
      "The templates this CA issues (AD CS's certificateTemplates; certexit catemplates edits it with checks); when not set, those whose names come from the directory.",
  },
  ExitOutboxRetentionDays: {
    type: 'REG_DWORD',
    default: 7,
    meaning: 'How long delivered notifications stay in the exit outbox for operators to see.',
  },
  ExitActionRetentionDays: {
    type: 'REG_DWORD',
    default: 365,
    meaning: "How long a module's event-scoped action (a mail) is remembered as done, so a retry does not repeat it.",
  },
  ExitReplayMaxEvents: {
    type: 'REG_DWORD',
    default: 100_000,
    min: 1,
    meaning: 'The most events one certexit module replay may deliver again.',
  },
  // Where the CA's database is (docs/postgresql.md): absent for the embedded SQLite file.
  DBStore: {
    type: 'REG_SZ',
    default: 'sqlite',
    readOnly: 'set by certexit setup --store and certexit store migrate, which copy the data',
    meaning:
      "The CA's store: sqlite (certexit.db in the CA folder), postgres (@certexit/store-postgres) or a store package.",
  },
  DBConnection: {
    type: 'REG_SZ',
    meaning: 'The database URL, postgres://user@host:port/database[?sslmode=verify-full], never with a password.',
  },
  DBSchema: { type: 'REG_SZ', default: 'certexit', meaning: "The PostgreSQL schema of the CA's tables." },
  DBPasswordFile: { type: 'REG_SZ', meaning: "A file whose first line is the database user's password." },
  DBPasswordEnv: {
    type: 'REG_SZ',
    default: 'PGPASSWORD',
    meaning: "An environment variable holding the database user's password.",
  },
  DBTlsCaFile: {
    type: 'REG_SZ',
    meaning: "The CA certificate(s) the database server's certificate must chain to (TLS, verified).",
  },
  DBPoolSize: { type: 'REG_DWORD', default: 10, min: 1, meaning: 'Database connections per process.' },
  DBStatementTimeoutMs: {
    type: 'REG_DWORD',
    default: 30_000,
    min: 1,
    meaning: 'A database statement running longer is cancelled, failing its operation (nothing half-done).',
  },
  DBLeaseMs: {
    type: 'REG_DWORD',
    default: 30_000,
    min: 1,
    meaning: "How long a node's claim on an exit-outbox row lasts unless renewed (several nodes on one database).",
  },
  DBSynchronousCommit: {
    type: 'REG_SZ',
    default: 'off',
    oneOf: ['off', 'local', 'on', 'remote_write', 'remote_apply'],
    meaning:
      "PostgreSQL's synchronous_commit for the CA: off is the embedded store's durability; on waits for the flush.",
  },
});
