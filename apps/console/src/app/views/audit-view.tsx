import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { formatDate } from '../format';

interface AuditEntry {
  id: number;
  at: string;
  identity: string;
  role?: string;
  action: string;
  target: string;
  oldValue?: string;
  newValue?: string;
}

/** Who changed which CA property, when, from what to what. */
export function AuditView() {
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    call<{ entries: AuditEntry[] }>('/v1/audit?limit=200')
      .then((r) => setEntries(r.entries))
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <section class="folder">
      <div class="toolbar">
        <h2>Audit Log</h2>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table class="list" data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Change</th>
            <th scope="col">Value</th>
            <th scope="col">Old</th>
            <th scope="col">New</th>
          </tr>
        </thead>
        <tbody>
          {entries?.map((e) => (
            <tr key={e.id}>
              <td>{formatDate(e.at)}</td>
              <td>
                {e.identity}
                {e.role ? ` (${e.role})` : ''}
              </td>
              <td>{e.action}</td>
              <td class="path">{e.target.replace(/^.*\\Configuration\\/, '')}</td>
              <td>
                <code>{e.oldValue ?? '(not set)'}</code>
              </td>
              <td>
                <code>{e.newValue}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries?.length === 0 && <p class="empty">No change has been made from the console or the API yet.</p>}
    </section>
  );
}
