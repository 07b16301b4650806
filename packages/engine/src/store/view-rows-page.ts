import type { ViewCondition, ViewRowsPage, ViewRowsQuery, ViewStoreColumn } from './view-rows-query';
import { VIEW_STORE_COLUMNS } from './view-rows-query';

// The store-independent half of a `certutil -view` page: checking the query against VIEW_STORE_COLUMNS, the
// cursors, and the rows as values. The SQL (each table's FROM clause and column expressions) is each store's own.

/** A condition with its column's store expression and kind. */
export interface ResolvedViewCondition {
  readonly sql: string;
  readonly kind: ViewStoreColumn['kind'];
  readonly condition: ViewCondition;
}

/**
 * The store expressions of a query's conditions and sort column, from the store's own `columns` (name → SQL), with
 * the same errors on every store: an unknown column, or a sort by a column that is not sortable.
 */
export function resolveViewColumns(
  query: ViewRowsQuery,
  columns: Readonly<Record<string, string>>,
): { conditions: ResolvedViewCondition[]; sort: string | undefined } {
  const known = VIEW_STORE_COLUMNS[query.table];
  const conditions = query.where.map((condition) => {
    const sql = columns[condition.column];
    const column = known[condition.column];
    if (!sql || !column) throw new Error(`the ${query.table} view has no store column ${condition.column}`);
    return { sql, kind: column.kind, condition };
  });
  const sort = query.sort ? columns[query.sort] : undefined;
  if (query.sort && (!sort || !known[query.sort]?.sortable))
    throw new Error(`the ${query.table} view cannot sort by ${query.sort}`);
  return { conditions, sort };
}

/**
 * A page cursor back as its key values: a one-column key (RequestID, CRLRowId) is the number itself, a longer one a
 * JSON array of `length` numbers or strings.
 * @throws when the text is neither, naming it: it belongs to another view or sort
 */
export function parseViewCursor(text: string, length: number): Array<number | string> {
  if (length === 1 && /^-?\d+$/.test(text.trim())) return [Number(text)];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== length ||
    !parsed.every((v) => typeof v === 'number' || typeof v === 'string')
  )
    throw new Error(`the page cursor ${JSON.stringify(text)} does not belong to this view: start from the first page`);
  return parsed as Array<number | string>;
}

/**
 * The page from the rows a store fetched (`limit + 1` of them, each with its store columns by name and its key as
 * `__k0`, `__k1`, …): the values by each column's kind, a cursor per row, and `next` when a page follows.
 * `record` may complete a row (a CRL stored in parts).
 */
export function toViewRowsPage(
  query: ViewRowsQuery,
  fetched: readonly Record<string, unknown>[],
  options: {
    toBytes: (value: unknown) => Uint8Array;
    complete?: (row: Record<string, unknown>, record: ViewRowsPage['rows'][number]) => void;
  },
): ViewRowsPage {
  const more = fetched.length > query.limit;
  const rows = fetched.slice(0, query.limit);
  const known = VIEW_STORE_COLUMNS[query.table];
  const out: ViewRowsPage['rows'] = rows.map((row) => {
    const record: ViewRowsPage['rows'][number] = {};
    for (const [name, column] of Object.entries(known)) {
      const v = row[name];
      record[name] =
        v === null || v === undefined
          ? null
          : column.kind === 'date'
            ? new Date(Number(v))
            : column.kind === 'number'
              ? Number(v)
              : column.kind === 'binary'
                ? options.toBytes(v)
                : String(v);
    }
    options.complete?.(row, record);
    return record;
  });
  // A one-column key (RequestID, CRLRowId) is its own cursor: `view --after 1234` reads as it looks.
  const cursors = rows.map((row) => {
    const key = Object.keys(row)
      .filter((k) => k.startsWith('__k'))
      .map((k) => row[k] as number | string);
    return key.length === 1 ? String(key[0]) : JSON.stringify(key);
  });
  const next = more ? cursors[cursors.length - 1] : undefined;
  return { rows: out, cursors, ...(next !== undefined && { next }) };
}
