export * from './read-event-id';
export * from './run-once';
