export * from './define-exit-module';
export * from './exit-context';
export * from './exit-context-views';
export * from './exit-event-names';
export * from './exit-setting';
export * from './exit-settings';
