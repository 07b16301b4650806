export * from './ca-properties';
export * from './certificate-properties';
export * from './name-properties';
export * from './property-definition';
export * from './request-properties';
export * from './resolve-property';
