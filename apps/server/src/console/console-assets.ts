import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/** One built file of the console, held in memory. */
export interface ConsoleAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** A strong ETag: the SHA-256 of the body. */
  readonly etag: string;
  /** A file whose name carries its content hash: cached for a year. */
  readonly immutable: boolean;
}

const _TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Reads the console's built files (a few tens of kilobytes) into a map by their path under the folder
 * (`index.html`, `assets/console-3f2a1b.js`). The server answers from this map only: a URL is a key, never a file
 * path, so no request can reach a file outside it (no traversal to guard against), and a file needs no disk read
 * per request. Files of unknown types (source maps) are left out. Why not @fastify/static: it maps URLs onto the
 * filesystem at every request, which is the thing this avoids.
 */
export function loadConsoleAssets(directory: string): Map<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const contentType = _TYPES[extname(entry.name).toLowerCase()];
        if (!contentType) continue;
        const body = readFileSync(path);
        assets.set(relative(directory, path).split(sep).join('/'), {
          body,
          contentType,
          etag: `"${createHash('sha256').update(body).digest('base64url')}"`,
          immutable: /-[A-Z0-9]{8,}\.[a-z0-9]+$/i.test(entry.name),
        });
      }
    }
  };
  walk(directory);
  if (!assets.has('index.html'))
    throw new Error(`the console's files are not built: no index.html in ${directory} (run the build)`);
  return assets;
}
