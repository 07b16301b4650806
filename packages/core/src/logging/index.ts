export * from './create-module-logger';
