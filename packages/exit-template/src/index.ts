/**
 * @certexit/exit-template: the CertExit_Template.Exit exit module.
 * @packageDocumentation
 */
export type { TemplateSettings } from './create-template-exit-module';
export { createTemplateExitModule, createTemplateExitModule as default } from './create-template-exit-module';
