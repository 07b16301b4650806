/**
 * @certexit/exit-sample: the Windows SDK sample exit module (`CertAuthority_Sample.Exit`), ported.
 * @packageDocumentation
 */

export type { SampleExitModuleOptions } from './create-sample-exit-module';
export { createSampleExitModule, createSampleExitModule as default } from './create-sample-exit-module';
export type { SampleManageHooks } from './create-sample-manage-module';
export { createSampleManageModule } from './create-sample-manage-module';
export type { SampleCrl } from './notify-crl-issued';
export { notifyCrlIssued } from './notify-crl-issued';
export type { NotifyNewCertOutcome } from './notify-new-cert';
export { notifyNewCert } from './notify-new-cert';
export type { SampleSettings } from './read-sample-settings';
export { readSampleSettings } from './read-sample-settings';
export {
  CERT_FILE_ATTRIBUTE,
  SAMPLE_CONFIG_CERT_ENROLL_DIRECTORY,
  SAMPLE_CONFIG_CRL_COPY_DIRECTORY,
  SAMPLE_CONFIG_PUBLISH_CERT_FLAGS,
  SAMPLE_DESCRIPTION,
  SAMPLE_EVENT_MASK,
  SAMPLE_MANAGE_PROGID,
  SAMPLE_MANAGE_STRINGS,
  SAMPLE_PROGID,
} from './sample-constants';
export type { WriteCertOutcome } from './write-cert-to-file';
export { writeCertToFile } from './write-cert-to-file';
