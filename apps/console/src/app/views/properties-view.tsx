import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../api';
import { call } from '../api';
import { formatDate } from '../format';
import { go } from '../route';
import { StatusLines } from './status-lines';
import { useActionStatus } from './use-action-status';

interface FlagName {
  name: string;
  value: number;
  label: string;
}
interface UrlEntry {
  flags: number;
  url: string;
}
type CrlSchedule = Record<string, string | number>;
interface Properties {
  extensions: { crl: UrlEntry[]; aia: UrlEntry[] };
  exitModules: Array<{
    progId: string;
    description: string;
    active: boolean;
    publishCertFlags?: number;
    configured?: boolean;
  }>;
  policy: { progId: string; editFlags: number; configured: boolean };
  crlSchedule: CrlSchedule;
  nextCrl?: string;
  nextDeltaCrl?: string;
  flagNames: { crl: FlagName[]; aia: FlagName[]; publishCert: FlagName[]; edit: FlagName[] };
  canChange: boolean;
}

const TABS: Array<[string, string]> = [
  ['extensions', 'Extensions'],
  ['exit-module', 'Exit Module'],
  ['policy', 'Policy Module'],
  ['crl-schedule', 'CRL Publishing'],
];
const PERIODS = ['Years', 'Months', 'Weeks', 'Days', 'Hours', 'Minutes'];

/** The CA's properties as the snap-in's tabs; CA administrators (managers) change them, everyone else reads. */
export function PropertiesView(props: { session: Session; tab: string }) {
  const [properties, setProperties] = useState<Properties | undefined>();
  const { error, setError, notice, setNotice, reload, act } = useActionStatus();
  useEffect(() => {
    call<Properties>('/v1/ca/properties')
      .then(setProperties)
      .catch((e: Error) => setError(e.message));
  }, [reload]);
  const save = async (tab: string, body: unknown) => {
    const schedule = (body as { crlSchedule?: object }).crlSchedule;
    if (schedule && Object.keys(schedule).length === 0) {
      setError(undefined);
      setNotice('Nothing changed.');
      return;
    }
    await act(
      (result) =>
        result.changes.length === 0
          ? 'Nothing changed.'
          : `${result.changes.length} value${result.changes.length === 1 ? '' : 's'} changed and recorded in the audit log.`,
      () => call<{ changes: unknown[] }>(`/v1/ca/properties/${tab}`, { method: 'POST', body }),
    );
  };
  const readOnly = !properties?.canChange;
  return (
    <section class="folder properties">
      <div class="toolbar">
        <h2>Properties</h2>
        {readOnly && properties && <span class="hint">Read only: CA administrators (managers) change these.</span>}
      </div>
      <div class="tabs" role="tablist">
        {TABS.map(([id, title]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={props.tab === id}
            class={props.tab === id ? 'selected' : ''}
            onClick={() => go('properties', id)}
          >
            {title}
          </button>
        ))}
      </div>
      <StatusLines notice={notice} error={error} />
      {properties && props.tab === 'extensions' && (
        <ExtensionsTab key={reload} properties={properties} readOnly={readOnly} onSave={(b) => save('extensions', b)} />
      )}
      {properties && props.tab === 'exit-module' && (
        <ExitModuleTab
          key={reload}
          properties={properties}
          readOnly={readOnly}
          onSave={(b) => save('exit-module', b)}
        />
      )}
      {properties && props.tab === 'policy' && (
        <PolicyTab key={reload} properties={properties} readOnly={readOnly} onSave={(b) => save('policy', b)} />
      )}
      {properties && props.tab === 'crl-schedule' && (
        <CrlTab key={reload} properties={properties} readOnly={readOnly} onSave={(b) => save('crl-schedule', b)} />
      )}
    </section>
  );
}

interface TabProps {
  properties: Properties;
  readOnly: boolean;
  onSave: (body: unknown) => void;
}

function Flags(props: {
  names: FlagName[];
  value: number;
  readOnly: boolean;
  onChange: (v: number) => void;
  id: string;
}) {
  return (
    <ul class="flags">
      {props.names.map((flag) => (
        <li key={flag.name}>
          <label>
            <input
              type="checkbox"
              name={`${props.id}-${flag.name}`}
              checked={(props.value & flag.value) !== 0}
              disabled={props.readOnly}
              onChange={(e) =>
                props.onChange(
                  (e.target as HTMLInputElement).checked ? props.value | flag.value : props.value & ~flag.value,
                )
              }
            />{' '}
            {flag.label} <code>{flag.name}</code>
          </label>
        </li>
      ))}
    </ul>
  );
}

function ExtensionsTab(props: TabProps) {
  const [which, setWhich] = useState<'crl' | 'aia'>('crl');
  const [lists, setLists] = useState(props.properties.extensions);
  const [selected, setSelected] = useState(0);
  const [adding, setAdding] = useState('');
  const list = lists[which];
  const names = which === 'crl' ? props.properties.flagNames.crl : props.properties.flagNames.aia;
  const update = (entries: UrlEntry[]) => setLists({ ...lists, [which]: entries });
  return (
    <div class="tab-body extensions" role="tabpanel">
      <label for="extension">Select extension:</label>
      <select
        id="extension"
        value={which}
        onChange={(e) => {
          setWhich((e.target as HTMLSelectElement).value as 'crl' | 'aia');
          setSelected(0);
        }}
      >
        <option value="crl">CRL Distribution Point (CDP)</option>
        <option value="aia">Authority Information Access (AIA)</option>
      </select>
      <p>Specify locations from which users can obtain a certificate revocation list (CRL) or the CA certificate.</p>
      <ul class="urls" aria-label="Locations">
        {list.map((entry, i) => (
          <li key={`${entry.url}-${i}`}>
            <button type="button" aria-pressed={i === selected} onClick={() => setSelected(i)}>
              <code>{entry.url}</code>
            </button>
          </li>
        ))}
      </ul>
      {!props.readOnly && (
        <div class="url-edit">
          <input
            aria-label="New location"
            type="text"
            placeholder="http://%1/CertEnroll/%3%8%9.crl"
            value={adding}
            onInput={(e) => setAdding((e.target as HTMLInputElement).value)}
          />
          <button
            type="button"
            disabled={adding.trim() === ''}
            onClick={() => {
              update([...list, { flags: 0, url: adding.trim() }]);
              setSelected(list.length);
              setAdding('');
            }}
          >
            Add…
          </button>
          <button
            type="button"
            disabled={list[selected] === undefined}
            onClick={() => {
              update(list.filter((_, i) => i !== selected));
              setSelected(0);
            }}
          >
            Remove
          </button>
        </div>
      )}
      {list[selected] && (
        <Flags
          id={`${which}-${selected}`}
          names={names}
          value={list[selected]!.flags}
          readOnly={props.readOnly}
          onChange={(flags) => update(list.map((e, i) => (i === selected ? { ...e, flags } : e)))}
        />
      )}
      {!props.readOnly && (
        <button type="button" class="primary" onClick={() => props.onSave({ crl: lists.crl, aia: lists.aia })}>
          Apply
        </button>
      )}
    </div>
  );
}

function ExitModuleTab(props: TabProps) {
  const modules = props.properties.exitModules;
  const [flags, setFlags] = useState<Record<string, number>>(
    Object.fromEntries(
      modules.filter((m) => m.publishCertFlags !== undefined).map((m) => [m.progId, m.publishCertFlags!]),
    ),
  );
  return (
    <div class="tab-body" role="tabpanel">
      <p>Exit modules, in the order they are notified. Changes take effect when the CA service restarts.</p>
      {modules.map((m) => (
        <fieldset key={m.progId}>
          <legend>
            {m.description} <code>{m.progId}</code> {m.active ? '' : '(inactive)'}
          </legend>
          {m.publishCertFlags === undefined ? (
            <p class="hint">This module has no publication settings here.</p>
          ) : (
            <>
              <p class="hint">PublishCertFlags{m.configured ? '' : ' (the default of this CA type)'}</p>
              <Flags
                id={m.progId}
                names={props.properties.flagNames.publishCert}
                value={flags[m.progId] ?? 0}
                readOnly={props.readOnly}
                onChange={(v) => setFlags({ ...flags, [m.progId]: v })}
              />
              {!props.readOnly && (
                <button
                  type="button"
                  class="primary"
                  onClick={() => props.onSave({ progId: m.progId, publishCertFlags: flags[m.progId] })}
                >
                  Apply
                </button>
              )}
            </>
          )}
        </fieldset>
      ))}
    </div>
  );
}

function PolicyTab(props: TabProps) {
  const [flags, setFlags] = useState(props.properties.policy.editFlags);
  return (
    <div class="tab-body" role="tabpanel">
      <p>
        Policy module <code>{props.properties.policy.progId}</code>: EditFlags <code>0x{flags.toString(16)}</code>
        {props.properties.policy.configured ? '' : ' (the default of this CA type)'}.
      </p>
      <Flags
        id="editflags"
        names={props.properties.flagNames.edit}
        value={flags}
        readOnly={props.readOnly}
        onChange={setFlags}
      />
      {!props.readOnly && (
        <button type="button" class="primary" onClick={() => props.onSave({ editFlags: flags })}>
          Apply
        </button>
      )}
    </div>
  );
}

function CrlTab(props: TabProps) {
  const [values, setValues] = useState<CrlSchedule>(props.properties.crlSchedule);
  const row = (label: string, period: string, units: string) => (
    <div class="period" key={period}>
      <label for={units}>{label}</label>
      <input
        id={units}
        type="number"
        min={0}
        max={65535}
        value={String(values[units])}
        disabled={props.readOnly}
        onInput={(e) => setValues({ ...values, [units]: Number((e.target as HTMLInputElement).value) })}
      />
      <select
        aria-label={`${label} unit`}
        value={String(values[period])}
        disabled={props.readOnly}
        onChange={(e) => setValues({ ...values, [period]: (e.target as HTMLSelectElement).value })}
      >
        {PERIODS.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <div class="tab-body crl" role="tabpanel">
      {row('CRL publication interval', 'CRLPeriod', 'CRLPeriodUnits')}
      {row('Overlap', 'CRLOverlapPeriod', 'CRLOverlapUnits')}
      {row('Delta CRL publication interval (0: no deltas)', 'CRLDeltaPeriod', 'CRLDeltaPeriodUnits')}
      {row('Delta overlap', 'CRLDeltaOverlapPeriod', 'CRLDeltaOverlapUnits')}
      <p>Next update: {props.properties.nextCrl ? formatDate(props.properties.nextCrl) : 'not published yet'}</p>
      {props.properties.nextDeltaCrl && <p>Next delta update: {formatDate(props.properties.nextDeltaCrl)}</p>}
      {!props.readOnly && (
        <button
          type="button"
          class="primary"
          onClick={() =>
            props.onSave({
              // Only what was changed: each changed value is one entry of the audit log.
              crlSchedule: Object.fromEntries(
                Object.entries(values).filter(([name, value]) => props.properties.crlSchedule[name] !== value),
              ),
            })
          }
        >
          Apply
        </button>
      )}
    </div>
  );
}
