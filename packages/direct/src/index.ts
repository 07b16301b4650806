export { type CallModuleOptions, callModule } from './call-module';
export { type DirectHostOptions, hostDirectModule } from './host-direct-module';
export { isCertExit, isCertExit2, queryInterface } from './query-interface';
