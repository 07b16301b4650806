import { defineConfig } from 'tsup';
import { baseConfig } from '../../tooling/tsup/base';

// Two builds: the Node entry (where the built files are), and the browser app into dist/public: one script and one
// stylesheet, Preact bundled in, no source maps or inline code (the server's CSP forbids inline script), plus the
// static files of src/app/public (index.html). The Node build must not clean dist/, which holds the app.
export default defineConfig([
  baseConfig(import.meta.url, { clean: false }),
  {
    entry: { 'assets/console': 'src/app/main.tsx' },
    outDir: 'dist/public',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    dts: false,
    sourcemap: false,
    minify: true,
    clean: true,
    splitting: false,
    noExternal: [/.*/],
    publicDir: 'src/app/public',
    tsconfig: 'tsconfig.json',
    outExtension: () => ({ js: '.js' }),
    esbuildOptions(options) {
      options.jsx = 'automatic';
      options.jsxImportSource = 'preact';
      options.legalComments = 'none';
    },
  },
]);
