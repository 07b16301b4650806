import { defineConfig } from 'tsup';
import { baseConfig } from '../../tooling/tsup/base';

export default defineConfig(
  baseConfig(import.meta.url, { entry: ['src/index.ts', 'src/cli.ts', 'src/builtin-exit-modules.ts'] }),
);
