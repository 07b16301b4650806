import { fileURLToPath } from 'node:url';

/** The checkout these tests belong to (never modified by them: they work on scratch copies). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
