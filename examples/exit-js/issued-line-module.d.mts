import type { ExitModuleFactoryV1 } from '@certexit/core';

/** The issued-line example module (see issued-line-module.mjs). */
export function createIssuedLineModule(settings: { outputFile: string }): ExitModuleFactoryV1;
