import { useState } from 'preact/hooks';
import type { FolderRow } from '../api';
import { REVOCATION_REASONS } from '../format';
import { Modal } from './modal';

/** The snap-in's Certificate Revocation dialog: a reason, and the date and time it takes effect. */
export function RevokeDialog(props: {
  row: FolderRow;
  onCancel: () => void;
  onRevoke: (reason: string, effective?: string) => void;
}) {
  const [reason, setReason] = useState('Unspecified');
  const [effective, setEffective] = useState('');
  return (
    <Modal title="Certificate Revocation" onClose={props.onCancel}>
      <form
        class="revoke"
        onSubmit={(e) => {
          e.preventDefault();
          props.onRevoke(reason, effective || undefined);
        }}
      >
        <p>
          Revoke certificate <code>{props.row.serialNumber}</code>
          {props.row.commonName ? ` (${props.row.commonName})` : ''}, request {props.row.requestId}.
        </p>
        <label for="revoke-reason">Reason code</label>
        <select id="revoke-reason" value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)}>
          {REVOCATION_REASONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label for="revoke-effective">Date and time (empty: now)</label>
        <input
          id="revoke-effective"
          type="datetime-local"
          value={effective}
          onInput={(e) => setEffective((e.target as HTMLInputElement).value)}
        />
        <div class="buttons">
          <button type="submit" class="primary">
            Yes
          </button>
          <button type="button" onClick={props.onCancel}>
            No
          </button>
        </div>
      </form>
    </Modal>
  );
}
