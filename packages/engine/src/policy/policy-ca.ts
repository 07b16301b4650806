import type { RegistryFile } from '../registry/registry-file';
import type { CertificateTemplate } from './certificate-template';
import type { TemplateStore } from './template-store';

/**
 * What the policy reads of a CA: its registry (the policy module's settings, `CATemplates`), its type and its
 * templates. An opened CA (`CaContext`) is one; the policy never sees the CA's keys or database.
 */
export interface PolicyCa {
  readonly registry: RegistryFile;
  /** `Configuration\<sanitized name>`. */
  readonly registryPath: string;
  readonly sanitizedName: string;
  /** `ENUM_CATYPES`. */
  readonly caType: number;
  /** The templates of the template file, as of now. */
  readonly templates: readonly CertificateTemplate[];
  readonly templateStore: TemplateStore;
}
