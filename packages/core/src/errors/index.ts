export * from './certexit-error';
export * from './connection-error';
export * from './exit-failure-kind';
export * from './property-errors';
export * from './unsupported-specification-version-error';
