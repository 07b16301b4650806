/**
 * @certexit/core: the exit-module contract. Types, constants and errors; nearly no runtime state.
 * @packageDocumentation
 */
export * from './constants';
export * from './define';
export * from './errors';
export * from './idempotency';
export * from './interfaces';
export * from './logging';
export * from './manage-module';
export * from './properties';
export * from './registry';
export * from './server-exit';
