import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../api';
import { call } from '../api';
import { formatAge, formatDate } from '../format';
import type { HistoryPoint } from './delivery-chart';
import { DeliveryChart } from './delivery-chart';
import { StatusLines } from './status-lines';
import { useActionStatus } from './use-action-status';

interface QueueItem {
  id: number;
  event: string;
  context: number;
  status: string;
  attempts: number;
  nextAttemptAt?: string;
  lastHresult?: string;
  lastError?: string;
  createdAt: string;
}

interface ExitModule {
  progId: string;
  description: string;
  counts: { pending: number; delivering: number; done: number; dead: number };
  oldestOpenAt?: string;
  oldestOpenAgeSeconds?: number;
  lastError?: { id: number; hresult?: string; message?: string; at?: string };
  items?: QueueItem[];
}

interface History {
  modules: Array<{ progId: string; points: HistoryPoint[] }>;
}

/** The exit modules: each with its queue, its dead letters and last error, retry and drop, and its delivery chart. */
export function ExitModulesView(props: { session: Session }) {
  const manager = props.session.role === 'manager';
  const [modules, setModules] = useState<ExitModule[] | undefined>();
  const [history, setHistory] = useState<History | undefined>();
  const [minutes, setMinutes] = useState(60);
  const { error, setError, notice, reload, refresh, act } = useActionStatus();

  useEffect(() => {
    const load = () => {
      call<{ modules: ExitModule[] }>('/v1/exit-modules')
        .then((r) => setModules(r.modules))
        .catch((e: Error) => setError(e.message));
      call<History>(`/v1/exit-modules/history?minutes=${minutes}`)
        .then(setHistory)
        .catch((e: Error) => setError(e.message));
    };
    load();
    const timer = window.setInterval(load, 10_000);
    return () => window.clearInterval(timer);
  }, [minutes, reload]);

  return (
    <section class="folder exit-modules">
      <div class="toolbar">
        <h2>Exit Modules</h2>
        <label>
          Chart window{' '}
          <select value={String(minutes)} onChange={(e) => setMinutes(Number((e.target as HTMLSelectElement).value))}>
            <option value="60">1 hour</option>
            <option value="360">6 hours</option>
            <option value="1440">24 hours</option>
          </select>
        </label>
        <button type="button" onClick={refresh}>
          Refresh
        </button>
      </div>
      <StatusLines notice={notice} error={error} />
      {modules?.length === 0 && <p class="empty">No exit module is active.</p>}
      {modules?.map((m) => {
        const open = (m.items ?? []).filter((i) => i.status !== 'done');
        return (
          <article class="module" key={m.progId} data-module={m.progId}>
            <header>
              <h3>{m.description}</h3>
              <code>{m.progId}</code>
            </header>
            <dl class="counts">
              <div>
                <dt>Pending</dt>
                <dd data-count="pending">{m.counts.pending}</dd>
              </div>
              <div>
                <dt>Delivering</dt>
                <dd data-count="delivering">{m.counts.delivering}</dd>
              </div>
              <div>
                <dt>Delivered</dt>
                <dd data-count="done">{m.counts.done}</dd>
              </div>
              <div class={m.counts.dead > 0 ? 'bad' : ''}>
                <dt>Dead letters</dt>
                <dd data-count="dead">{m.counts.dead}</dd>
              </div>
              <div>
                <dt>Oldest waiting</dt>
                <dd>{formatAge(m.oldestOpenAgeSeconds)}</dd>
              </div>
            </dl>
            {m.lastError && (
              <p class="last-error">
                Last error ({formatDate(m.lastError.at)}, item {m.lastError.id}): {m.lastError.hresult}{' '}
                {m.lastError.message}
              </p>
            )}
            {manager && (m.counts.dead > 0 || m.counts.pending > 0) && (
              <button
                type="button"
                onClick={() =>
                  void act(`Every dead and pending notification of ${m.progId} is due again.`, () =>
                    call('/v1/exit-queue/retry', { method: 'POST', body: { target: m.progId } }),
                  )
                }
              >
                Retry all
              </button>
            )}
            {history && (
              <DeliveryChart
                label={m.progId}
                points={history.modules.find((h) => h.progId === m.progId)?.points ?? []}
              />
            )}
            {open.length > 0 && (
              <table class="list queue">
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">Event</th>
                    <th scope="col">Request</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last error</th>
                    <th scope="col">Queued</th>
                    {manager && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {open.map((item) => (
                    <tr key={item.id} data-item={item.id}>
                      <td>{item.id}</td>
                      <td>{item.event}</td>
                      <td>{item.context}</td>
                      <td>{item.status}</td>
                      <td>{item.attempts}</td>
                      <td>
                        {item.lastHresult} {item.lastError}
                      </td>
                      <td>{formatDate(item.createdAt)}</td>
                      {manager && (
                        <td class="actions">
                          {item.status !== 'delivering' && (
                            <>
                              <button
                                type="button"
                                onClick={() =>
                                  void act(`Item ${item.id} is due again.`, () =>
                                    call('/v1/exit-queue/retry', { method: 'POST', body: { target: String(item.id) } }),
                                  )
                                }
                              >
                                Retry
                              </button>
                              <button
                                type="button"
                                onClick={() =>
                                  void act(`Item ${item.id} was dropped.`, () =>
                                    call(`/v1/exit-queue/${item.id}/drop`, { method: 'POST', body: {} }),
                                  )
                                }
                              >
                                Drop
                              </button>
                            </>
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </article>
        );
      })}
    </section>
  );
}
