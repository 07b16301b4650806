import { useEffect, useState } from 'preact/hooks';
import { call } from '../api';
import { formatDate } from '../format';
import { Modal } from './modal';

interface CertificateView {
  serialNumber: string;
  requestId: number;
  requesterName?: string;
  status: string;
  statusText: string;
  revokedWhen?: string;
  revokedReasonText?: string;
  general: {
    purposes: string[];
    issuedTo: string;
    issuedBy: string;
    notBefore: string;
    notAfter: string;
    isCa?: boolean;
  };
  fields: Array<{ name: string; value: string; detail: string; critical?: boolean; oid?: string }>;
  sha1Thumbprint: string;
  sha256Thumbprint: string;
  path: Array<{ name: string; subject?: string; serialNumber: string; status: string; missing?: boolean }>;
}

const TABS = ['General', 'Details', 'Certification Path'] as const;

/** Windows' certificate dialog: General, Details and Certification Path, and the file in DER or PEM. */
export function CertificateDialog(props: { serial: string; onClose: () => void }) {
  const [view, setView] = useState<CertificateView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [tab, setTab] = useState<(typeof TABS)[number]>('General');
  const [field, setField] = useState(0);
  useEffect(() => {
    call<CertificateView>(`/v1/certificates/${encodeURIComponent(props.serial)}`)
      .then(setView)
      .catch((e: Error) => setError(e.message));
  }, [props.serial]);
  const file = (format: string) => `/v1/certificates/${encodeURIComponent(props.serial)}/file?format=${format}`;
  return (
    <Modal title="Certificate" onClose={props.onClose} wide>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {view && (
        <div class="certificate" data-testid="certificate-dialog">
          <div class="tabs" role="tablist">
            {TABS.map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={tab === name}
                class={tab === name ? 'selected' : ''}
                onClick={() => setTab(name)}
              >
                {name}
              </button>
            ))}
          </div>
          {tab === 'General' && (
            <div class="tab-body general" role="tabpanel">
              <h3>Certificate Information</h3>
              <p class={`status ${view.status}`}>{view.statusText}</p>
              <p>This certificate is intended for the following purpose(s):</p>
              <ul>
                {view.general.purposes.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
              <dl>
                <dt>Issued to:</dt>
                <dd data-testid="issued-to">{view.general.issuedTo}</dd>
                <dt>Issued by:</dt>
                <dd>{view.general.issuedBy}</dd>
                <dt>Valid from</dt>
                <dd>
                  {formatDate(view.general.notBefore)} to {formatDate(view.general.notAfter)}
                </dd>
                {view.requesterName && (
                  <>
                    <dt>Requester:</dt>
                    <dd>
                      {view.requesterName} (request {view.requestId})
                    </dd>
                  </>
                )}
              </dl>
            </div>
          )}
          {tab === 'Details' && (
            <div class="tab-body details" role="tabpanel">
              <table class="fields">
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {view.fields.map((f, i) => (
                    <tr
                      key={`${f.name}-${i}`}
                      class={i === field ? 'selected' : ''}
                      onClick={() => setField(i)}
                      data-field={f.name}
                    >
                      <td>
                        {f.critical ? '⚠ ' : ''}
                        {f.name}
                      </td>
                      <td>{f.value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <pre class="field-detail" data-testid="field-detail">
                {view.fields[field]?.detail}
              </pre>
            </div>
          )}
          {tab === 'Certification Path' && (
            <div class="tab-body path" role="tabpanel">
              <ol class="chain">
                {view.path.map((entry, i) => (
                  <li key={`${entry.serialNumber}-${i}`} class={entry.missing ? 'missing' : ''}>
                    <span class="chain-name">{entry.name}</span>
                    <span class="chain-status">{entry.status}</span>
                  </li>
                ))}
              </ol>
              <p>Certificate status:</p>
              <p class={`status ${view.status}`}>{view.statusText}</p>
            </div>
          )}
          <div class="buttons">
            <a class="button" href={file('der')} download={`${view.serialNumber}.cer`}>
              Download DER (.cer)
            </a>
            <a class="button" href={file('pem')} download={`${view.serialNumber}.crt`}>
              Download PEM (.crt)
            </a>
            <button type="button" onClick={props.onClose}>
              OK
            </button>
          </div>
        </div>
      )}
    </Modal>
  );
}
