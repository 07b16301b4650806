export { type CapturedLogEntry, type CapturingLogger, createCapturingLogger } from './capturing-logger';
export { checkExitModule } from './check-exit-module';
export type {
  ConformanceCheckName,
  ConformanceOptions,
  ConformanceReport,
  ConformanceResult,
} from './conformance-options';
export {
  createMemoryIdempotencyStore,
  type MemoryExitAction,
  type MemoryIdempotencyStore,
} from './create-memory-idempotency-store';
export {
  createMemoryServerExit,
  createServerExitCallLog,
  fixtureDataSource,
  type MemoryServerExitOptions,
  type ServerExitCallLog,
} from './create-memory-server-exit';
export { createTestServices, type TestServices, type TestServicesOptions } from './create-test-services';
export { defaultFixture } from './default-fixture';
export type { FixtureContext, FixtureExtension, ServerExitFixture } from './server-exit-fixture';
