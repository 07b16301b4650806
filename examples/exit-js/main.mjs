#!/usr/bin/env node
// The issued-line module as its own process: `hostOutOfProcessModule({ command: process.execPath,
// args: ['examples/exit-js/main.mjs'], env: { ISSUED_LINE_FILE: '/tmp/issued.log' } }, services)`.
// Needs a build of @certexit/automation (it imports the package's dist).
import { serveExitModuleOverStdio } from '../../packages/automation/dist/index.js';
import { createIssuedLineModule } from './issued-line-module.mjs';

await serveExitModuleOverStdio(createIssuedLineModule({ outputFile: process.env.ISSUED_LINE_FILE ?? '/dev/null' }));
