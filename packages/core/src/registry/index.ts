export * from './registry-catalogue';
export * from './registry-key-declarations';
export * from './registry-tree';
