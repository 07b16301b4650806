import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';

interface TemplateRow {
  name: string;
  displayName: string;
  oid: string;
  purposes: string[];
  validityDays?: number;
  pendsForApproval?: boolean;
}

/** The Certificate Templates folder: the templates this CA issues and what they are for. */
export function TemplatesView() {
  const [templates, setTemplates] = useState<TemplateRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    call<{ templates: TemplateRow[] }>('/v1/views/templates')
      .then((r) => setTemplates(r.templates))
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <section class="folder">
      <div class="toolbar">
        <h2>Certificate Templates</h2>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table class="list" data-testid="folder-templates">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Intended Purpose</th>
            <th scope="col">Validity</th>
            <th scope="col">Issuance</th>
          </tr>
        </thead>
        <tbody>
          {templates?.map((t) => (
            <tr key={t.oid}>
              <td title={t.name}>{t.displayName}</td>
              <td>{t.purposes.join(', ')}</td>
              <td>{t.validityDays ? `${t.validityDays} days` : ''}</td>
              <td>{t.pendsForApproval ? 'Pends for a certificate manager' : 'Issued at once'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
