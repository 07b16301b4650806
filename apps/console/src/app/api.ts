/** The console's calls to its server: same origin, the session cookie, and the CSRF token on every change. */

/** What `GET /console/session` answers: who is signed in, or how one may sign in. */
export type SessionState = ({ signedIn: true } & Session) | ({ signedIn: false } & SignInOptions);

/** How one may sign in. */
export interface SignInOptions {
  caName: string;
  certificateSignIn: boolean;
  certificatePresented: boolean;
  certificateSubject?: string;
}

/** Who is signed in. */
export interface Session {
  identity: string;
  role: 'requester' | 'officer' | 'manager';
  csrfToken: string;
  signedInWith: 'token' | 'certificate';
  caName: string;
  expiresAt: string;
}

/** An error the server answered with: its status and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => undefined;

/** Remembers the session's CSRF token (held in memory only) and what to do when the session ends. */
export function useSession(session: Session | undefined, signedOut: () => void): void {
  csrfToken = session?.csrfToken ?? '';
  onSignedOut = signedOut;
}

/** Calls the server; JSON in and out. A 401 means the session ended: the app goes back to sign-in. */
export async function call<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['x-csrf-token'] = csrfToken;
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(method !== 'GET' && { body: JSON.stringify(options.body ?? {}) }),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const message = (json as { message?: string } | undefined)?.message ?? `${response.status} ${response.statusText}`;
    if (response.status === 401 && path !== '/console/session') onSignedOut();
    throw new ApiError(response.status, message);
  }
  return json as T;
}

/** A folder page as `GET /v1/views/{folder}` answers. */
export interface FolderPage {
  folder: string;
  sort: string;
  desc: boolean;
  sorts: string[];
  rows: FolderRow[];
  next?: string;
  previous?: string;
}

export interface FolderRow {
  requestId: number;
  disposition: number;
  dispositionText: string;
  dispositionMessage?: string;
  statusCode: number;
  requesterName?: string;
  commonName?: string;
  certificateTemplate?: string;
  submittedWhen: string;
  resolvedWhen?: string;
  revokedWhen?: string;
  revokedEffectiveWhen?: string;
  revokedReason?: number;
  revokedReasonText?: string;
  officer?: string;
  serialNumber?: string;
  notBefore?: string;
  notAfter?: string;
}
