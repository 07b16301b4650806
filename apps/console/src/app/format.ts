/** Display helpers: dates as the snap-in shows them (local time), HRESULTs in hex. */

export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, {
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
      });
}

export function formatHResult(code: number): string {
  return `0x${(code >>> 0).toString(16)}`;
}

export function formatAge(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** The revocation reasons a manager can choose, as certutil names them, with the snap-in's words. */
export const REVOCATION_REASONS: ReadonlyArray<[string, string]> = [
  ['Unspecified', 'Unspecified'],
  ['KeyCompromise', 'Key Compromise'],
  ['CACompromise', 'CA Compromise'],
  ['AffiliationChanged', 'Change of Affiliation'],
  ['Superseded', 'Superseded'],
  ['CessationOfOperation', 'Cease of Operation'],
  ['CertificateHold', 'Certificate Hold'],
];
