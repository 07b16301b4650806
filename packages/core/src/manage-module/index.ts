export * from './create-config-reloader';
export * from './create-manage-module';
