export * from './registry-tree';
