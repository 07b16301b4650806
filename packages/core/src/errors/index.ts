export * from './certexit-error';
export * from './property-errors';
export * from './unsupported-specification-version-error';
