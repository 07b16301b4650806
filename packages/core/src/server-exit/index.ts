export * from './create-server-exit';
export * from './enumerate-request';
export * from './read-optional';
export * from './server-exit-data-source';
