import { REVOCATION_REASONS } from '@certexit/engine';

/**
 * A revocation reason as typed on the command line: its number (0–6) or its certutil name, in any case
 * (`KeyCompromise`, `keycompromise`; also `CRL_REASON_KEY_COMPROMISE`). A clear error lists the choices.
 */
export function parseCrlReasonArgument(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const wanted = trimmed
    .toLowerCase()
    .replace(/^crl_reason_/, '')
    .replace(/[_\s-]/g, '');
  for (const [name, code] of Object.entries(REVOCATION_REASONS)) {
    if (name.toLowerCase() === wanted) return code;
  }
  if (wanted === 'removefromcrl' || wanted === 'unrevoke') {
    throw new Error(
      `${JSON.stringify(text)} is not a revocation reason: release a certificate from hold with "unrevoke <SerialNumber>"`,
    );
  }
  throw new Error(
    `${JSON.stringify(text)} is not a revocation reason: use a number from 0 to 6 or one of ${Object.entries(
      REVOCATION_REASONS,
    )
      .map(([name, code]) => `${name} (${code})`)
      .join(', ')}`,
  );
}
