import { useEffect, useState } from 'preact/hooks';
import type { FolderPage, FolderRow, Session } from '../api';
import { call } from '../api';
import { formatDate, formatHResult } from '../format';
import { CertificateDialog } from './certificate-dialog';
import { RevokeDialog } from './revoke-dialog';
import { StatusLines } from './status-lines';
import { useActionStatus } from './use-action-status';

/** A column of a folder list: what it shows, and the server column it sorts and filters by (if any). */
interface Column {
  title: string;
  show: (row: FolderRow) => string;
  sort?: string;
  type?: 'text' | 'number' | 'date';
}

/** A folder of the snap-in. */
export interface Folder {
  id: 'revoked' | 'issued' | 'pending' | 'failed';
  title: string;
  columns: Column[];
}

const requestId: Column = { title: 'Request ID', show: (r) => String(r.requestId), sort: 'RequestID', type: 'number' };
const requester: Column = {
  title: 'Requester Name',
  show: (r) => r.requesterName ?? '',
  sort: 'RequesterName',
  type: 'text',
};
const commonName: Column = {
  title: 'Request Common Name',
  show: (r) => r.commonName ?? '',
  sort: 'CommonName',
  type: 'text',
};
const template: Column = {
  title: 'Certificate Template',
  show: (r) => r.certificateTemplate ?? '',
  sort: 'CertificateTemplate',
  type: 'text',
};
const serial: Column = {
  title: 'Serial Number',
  show: (r) => r.serialNumber ?? '',
  sort: 'SerialNumber',
  type: 'text',
};
const notBefore: Column = { title: 'Certificate Effective Date', show: (r) => formatDate(r.notBefore) };
const notAfter: Column = {
  title: 'Certificate Expiration Date',
  show: (r) => formatDate(r.notAfter),
  sort: 'NotAfter',
  type: 'date',
};
const submitted: Column = { title: 'Request Submission Date', show: (r) => formatDate(r.submittedWhen) };
const resolved = (title: string): Column => ({
  title,
  show: (r) => formatDate(r.resolvedWhen),
  sort: 'ResolvedWhen',
  type: 'date',
});
const status: Column = { title: 'Request Status Code', show: (r) => formatHResult(r.statusCode) };
const message: Column = { title: 'Request Disposition Message', show: (r) => r.dispositionMessage ?? '' };

/** The four request folders, with certsrv.msc's columns. */
export const FOLDERS: readonly Folder[] = [
  {
    id: 'revoked',
    title: 'Revoked Certificates',
    columns: [
      requestId,
      { title: 'Revocation Date', show: (r) => formatDate(r.revokedWhen), sort: 'RevokedWhen', type: 'date' },
      { title: 'Effective Revocation Date', show: (r) => formatDate(r.revokedEffectiveWhen) },
      { title: 'Revocation Reason', show: (r) => r.revokedReasonText ?? String(r.revokedReason ?? '') },
      requester,
      serial,
      commonName,
      template,
      notAfter,
    ],
  },
  {
    id: 'issued',
    title: 'Issued Certificates',
    columns: [requestId, requester, template, serial, notBefore, notAfter, commonName, resolved('Issued Date')],
  },
  {
    id: 'pending',
    title: 'Pending Requests',
    columns: [requestId, status, message, submitted, requester, commonName, template],
  },
  {
    id: 'failed',
    title: 'Failed Requests',
    columns: [
      requestId,
      status,
      message,
      { title: 'Disposition', show: (r) => r.dispositionText },
      submitted,
      resolved('Resolved Date'),
      requester,
      commonName,
      template,
    ],
  },
];

const OPS: Record<string, Array<[string, string]>> = {
  text: [['prefix', 'starts with']],
  number: [['eq', '=']],
  date: [
    ['ge', '≥'],
    ['lt', '<'],
  ],
};

/** A folder list: one page from the server, sorted and filtered there; row actions by role. */
export function FolderView(props: { folder: Folder; session: Session }) {
  const { folder, session } = props;
  const officer = session.role !== 'requester';
  const [sort, setSort] = useState('RequestID');
  const [desc, setDesc] = useState(false);
  const [limit, setLimit] = useState(50);
  const [filters, setFilters] = useState<Record<string, { op: string; value: string }>>({});
  const [cursor, setCursor] = useState<{ after?: string; before?: string }>({});
  const [page, setPage] = useState<FolderPage | undefined>();
  const { error, setError, notice, reload, refresh, act } = useActionStatus();
  const [open, setOpen] = useState<string | undefined>();
  const [revoking, setRevoking] = useState<FolderRow | undefined>();

  useEffect(() => {
    const query = new URLSearchParams({ sort, limit: String(limit) });
    if (desc) query.set('desc', 'true');
    if (cursor.after) query.set('after', cursor.after);
    if (cursor.before) query.set('before', cursor.before);
    for (const [column, filter] of Object.entries(filters))
      if (filter.value.trim() !== '') query.append('filter', `${column}:${filter.op}:${filter.value.trim()}`);
    let stale = false;
    call<FolderPage>(`/v1/views/${folder.id}?${query}`)
      .then((p) => {
        if (stale) return;
        setPage(p);
        setError(undefined);
      })
      .catch((e: Error) => !stale && setError(e.message));
    return () => {
      stale = true;
    };
  }, [folder.id, sort, desc, limit, filters, cursor, reload]);

  const setFilter = (column: string, op: string, value: string) => {
    setCursor({});
    setFilters((f) => ({ ...f, [column]: { op, value } }));
  };
  const sortBy = (column: string) => {
    setCursor({});
    if (column === sort) setDesc(!desc);
    else {
      setSort(column);
      setDesc(false);
    }
  };
  const sortable = (column: Column) => column.sort !== undefined && (page?.sorts ?? []).includes(column.sort);

  return (
    <section class="folder" aria-labelledby="folder-title">
      <div class="toolbar">
        <h2 id="folder-title">{folder.title}</h2>
        {folder.id === 'revoked' && session.role === 'manager' && (
          <button
            type="button"
            onClick={() =>
              void act('A new base CRL was published.', () => call('/v1/crls', { method: 'POST', body: {} }))
            }
          >
            Publish CRL
          </button>
        )}
        <button type="button" onClick={refresh}>
          Refresh
        </button>
      </div>
      <StatusLines notice={notice} error={error} />
      <div class="table-wrap">
        <table class="list" data-testid={`folder-${folder.id}`}>
          <thead>
            <tr>
              {folder.columns.map((column) => (
                <th
                  key={column.title}
                  scope="col"
                  aria-sort={column.sort === sort ? (desc ? 'descending' : 'ascending') : undefined}
                >
                  {sortable(column) ? (
                    <button type="button" class="sort" onClick={() => sortBy(column.sort!)}>
                      {column.title}
                      {column.sort === sort ? (desc ? ' ▼' : ' ▲') : ''}
                    </button>
                  ) : (
                    column.title
                  )}
                </th>
              ))}
              <th scope="col">Actions</th>
            </tr>
            <tr class="filters">
              {folder.columns.map((column) => (
                <td key={column.title}>
                  {sortable(column) && column.type && (
                    <FilterCell
                      column={column}
                      value={filters[column.sort!]}
                      onChange={(op, value) => setFilter(column.sort!, op, value)}
                    />
                  )}
                </td>
              ))}
              <td />
            </tr>
          </thead>
          <tbody>
            {page?.rows.map((row) => (
              <tr key={row.requestId} data-request-id={row.requestId}>
                {folder.columns.map((column) => (
                  <td key={column.title}>{column.show(row)}</td>
                ))}
                <td class="actions">
                  {row.serialNumber && (
                    <button type="button" onClick={() => setOpen(row.serialNumber)}>
                      Open
                    </button>
                  )}
                  {officer && folder.id === 'pending' && (
                    <>
                      <button
                        type="button"
                        onClick={() =>
                          void act(`Request ${row.requestId} was issued.`, () =>
                            call(`/v1/requests/${row.requestId}/approve`, { method: 'POST', body: {} }),
                          )
                        }
                      >
                        Issue
                      </button>
                      <button
                        type="button"
                        onClick={() =>
                          void act(`Request ${row.requestId} was denied.`, () =>
                            call(`/v1/requests/${row.requestId}/deny`, { method: 'POST', body: {} }),
                          )
                        }
                      >
                        Deny
                      </button>
                    </>
                  )}
                  {officer && folder.id === 'issued' && (
                    <button type="button" onClick={() => setRevoking(row)}>
                      Revoke…
                    </button>
                  )}
                  {officer && folder.id === 'revoked' && row.revokedReason === 6 && (
                    <button
                      type="button"
                      onClick={() =>
                        void act(`Certificate ${row.serialNumber} was released from hold.`, () =>
                          call(`/v1/certificates/${row.serialNumber}/unrevoke`, { method: 'POST', body: {} }),
                        )
                      }
                    >
                      Unrevoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && page.rows.length === 0 && <p class="empty">There are no items to show in this view.</p>}
      </div>
      <div class="pager">
        <button
          type="button"
          disabled={!page?.previous && !cursor.after && !cursor.before}
          onClick={() => setCursor({})}
        >
          First
        </button>
        <button
          type="button"
          disabled={!page?.previous}
          onClick={() => page?.previous && setCursor({ before: page.previous })}
        >
          Previous
        </button>
        <button type="button" disabled={!page?.next} onClick={() => page?.next && setCursor({ after: page.next })}>
          Next
        </button>
        <label>
          Rows per page{' '}
          <select
            value={String(limit)}
            onChange={(e) => {
              setCursor({});
              setLimit(Number((e.target as HTMLSelectElement).value));
            }}
          >
            {[25, 50, 100, 250].map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
      {open && <CertificateDialog serial={open} onClose={() => setOpen(undefined)} />}
      {revoking && (
        <RevokeDialog
          row={revoking}
          onCancel={() => setRevoking(undefined)}
          onRevoke={(reason, effective) => {
            const row = revoking;
            setRevoking(undefined);
            void act(`Certificate ${row.serialNumber} was revoked (${reason}).`, () =>
              call(`/v1/certificates/${row.serialNumber}/revoke`, {
                method: 'POST',
                body: { reason, ...(effective && { effectiveWhen: new Date(effective).toISOString() }) },
              }),
            );
          }}
        />
      )}
    </section>
  );
}

function FilterCell(props: {
  column: Column;
  value?: { op: string; value: string };
  onChange: (op: string, value: string) => void;
}) {
  const ops = OPS[props.column.type ?? 'text']!;
  const [op, setOp] = useState(props.value?.op ?? ops[0]![0]);
  const [text, setText] = useState(props.value?.value ?? '');
  const submit = () => props.onChange(op, text);
  return (
    <form
      class="filter"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {ops.length > 1 && (
        <select
          aria-label={`${props.column.title} comparison`}
          value={op}
          onChange={(e) => setOp((e.target as HTMLSelectElement).value)}
        >
          {ops.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      )}
      <input
        aria-label={`Filter ${props.column.title}`}
        // One input for three types: Preact's typings tell input types apart, the element takes any of them.
        type={
          (props.column.type === 'date' ? 'date' : props.column.type === 'number' ? 'number' : 'search') as 'search'
        }
        placeholder={ops.length === 1 ? ops[0]![1] : ''}
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onBlur={submit}
      />
    </form>
  );
}
