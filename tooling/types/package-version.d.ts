/** The package's version, replaced at build time by tsup and in tests by Vitest. */
declare const __PACKAGE_VERSION__: string;
