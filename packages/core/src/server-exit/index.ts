export * from './create-server-exit';
export * from './server-exit-data-source';
