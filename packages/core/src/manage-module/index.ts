export * from './create-manage-module';
