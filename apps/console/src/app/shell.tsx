import type { Session } from './api';
import { go, useRoute } from './route';
import { AuditView } from './views/audit-view';
import { ExitModulesView } from './views/exit-modules-view';
import { FOLDERS, FolderView } from './views/folder-view';
import { PropertiesView } from './views/properties-view';
import { TemplatesView } from './views/templates-view';

const ROLE_NAMES = { requester: 'Requester', officer: 'Certificate Manager', manager: 'CA Administrator' } as const;

/** The snap-in's window: the tree of folders on the left, the selected one on the right. */
export function Shell(props: { session: Session; onSignOut: () => void }) {
  const { session } = props;
  const route = useRoute();
  const officer = session.role !== 'requester';
  const place = route[0] ?? 'issued';
  const entries: Array<[string, string]> = [
    ...FOLDERS.map((f) => [f.id, f.title] as [string, string]),
    ['templates', 'Certificate Templates'],
    ...(officer
      ? ([
          ['exit-modules', 'Exit Modules'],
          ['properties', 'Properties'],
          ['audit', 'Audit Log'],
        ] as Array<[string, string]>)
      : []),
  ];
  const folder = FOLDERS.find((f) => f.id === place);
  return (
    <div class="shell">
      <header class="top">
        <span class="app-title">Certification Authority</span>
        <span class="who" data-testid="who">
          {session.identity} · {ROLE_NAMES[session.role]}
          {session.signedInWith === 'certificate' ? ' · certificate' : ''}
        </span>
        <button type="button" class="link" onClick={props.onSignOut}>
          Sign out
        </button>
      </header>
      <nav class="tree" aria-label="Folders">
        <div class="tree-root">{session.caName}</div>
        <ul>
          {entries.map(([id, title]) => (
            <li key={id}>
              <a
                href={`#/${id}`}
                class={place === id ? 'selected' : ''}
                aria-current={place === id ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  go(id);
                }}
              >
                {title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="content">
        {folder ? (
          <FolderView key={folder.id} folder={folder} session={session} />
        ) : place === 'templates' ? (
          <TemplatesView />
        ) : place === 'exit-modules' && officer ? (
          <ExitModulesView session={session} />
        ) : place === 'properties' && officer ? (
          <PropertiesView session={session} tab={route[1] ?? 'extensions'} />
        ) : place === 'audit' && officer ? (
          <AuditView />
        ) : (
          <p>Nothing here.</p>
        )}
      </main>
    </div>
  );
}
