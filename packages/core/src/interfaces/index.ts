export * from './cert-exit';
export * from './cert-manage-module';
export * from './cert-server-exit';
export * from './exit-module-factory';
export * from './hosted-exit-module';
export * from './logger';
export * from './maybe-promise';
export * from './registry-key';
