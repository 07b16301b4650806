/**
 * @certexit/console: the Certification Authority console's built files. `certexit serve` serves them at
 * `/console/`; an application embedding the engine with its own HTTP server can serve the same folder.
 * @packageDocumentation
 */
import { fileURLToPath } from 'node:url';

/** The folder of the built console: `index.html` and `assets/` (a script and a stylesheet). */
export function consoleAssetsDirectory(): string {
  // The same from src/ (tests run against source) and from dist/: both sit beside dist/.
  return fileURLToPath(new URL('../dist/public/', import.meta.url));
}
