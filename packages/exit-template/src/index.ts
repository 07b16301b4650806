/**
 * @certexit/exit-template: the CertExit_Template.Exit exit module.
 * @packageDocumentation
 */
export {
  createTemplateExitModule,
  createTemplateExitModule as default,
  MODULE_VALUES,
} from './create-template-exit-module';
export { createTemplateManageModule } from './create-template-manage-module';
