import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { CertificateTemplate } from './certificate-template';
import { parseCertificateTemplates } from './certificate-template-schema';

/**
 * A CA folder's `templates.json`: read when opened, read again when another process (`certexit template set`)
 * changed it (looked for at most every `refreshMs`, as the registry file is), written whole and atomically (a
 * temporary file renamed over it), so a running server never sees half a file and a bad edit is refused before
 * anything is written. A change saved through this store is in force at once.
 */
export class TemplateStore {
  private templates: readonly CertificateTemplate[] | undefined;
  private signature = '';
  private checkedAt = Date.now();

  constructor(
    readonly file: string,
    /** `readAtOpen: false` reads the file at the first look instead (its errors then come from there). */
    private readonly options: { refreshMs?: number; readAtOpen?: boolean } = {},
  ) {
    if (options.readAtOpen !== false) this.load();
  }

  /** Why the file, changed by hand since, could not be read again; the last good templates stay in force meanwhile. */
  lastError: Error | undefined;

  /**
   * The templates, re-read first when the file changed since the last look. A file edited by hand into something
   * invalid leaves the last good templates in force (see {@link lastError}); `certexit template` commands refuse it.
   */
  list(): readonly CertificateTemplate[] {
    if (this.templates === undefined) return this.load();
    // Issuance asks for the templates several times a request; a stat each time is most of the policy's cost.
    const now = Date.now();
    if (now - this.checkedAt < (this.options.refreshMs ?? 500)) return this.templates;
    this.checkedAt = now;
    const signature = this.stat();
    if (signature !== this.signature) {
      this.signature = signature;
      try {
        this.templates = this.read();
        this.lastError = undefined;
      } catch (error) {
        this.lastError = error as Error;
      }
    }
    return this.templates;
  }

  /** The template named `name` (case-insensitively) or with the OID `name`. */
  find(name: string): CertificateTemplate | undefined {
    const wanted = name.trim().toLowerCase();
    return this.list().find((t) => t.name.toLowerCase() === wanted || t.oid === wanted);
  }

  /**
   * Validates and writes `templates` (every field, so the file says what the policy does).
   * @throws the validation error, naming the template and field; the file is then left as it was
   */
  save(templates: readonly CertificateTemplate[]): void {
    const text = `${JSON.stringify(templates, null, 2)}\n`;
    const checked = parseCertificateTemplates(JSON.parse(text) as unknown, this.file);
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, text, { mode: 0o644 });
    renameSync(temporary, this.file);
    this.templates = checked;
    this.signature = this.stat();
    this.checkedAt = Date.now();
  }

  private load(): readonly CertificateTemplate[] {
    this.templates = this.read();
    this.signature = this.stat();
    this.checkedAt = Date.now();
    return this.templates;
  }

  private read(): CertificateTemplate[] {
    try {
      return parseCertificateTemplates(JSON.parse(readFileSync(this.file, 'utf8')) as unknown, this.file);
    } catch (error) {
      throw new Error(`the template file ${this.file} is unreadable: ${(error as Error).message}`, { cause: error });
    }
  }

  private stat(): string {
    try {
      const s = statSync(this.file);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return '';
    }
  }
}
