/**
 * Appends `data` to the file at `path`, creating the file but not its directory. `node:fs/promises` `appendFile`
 * satisfies it.
 */
export type AppendFileFunction = (
  path: string,
  data: string,
  options: { readonly flag: 'a'; readonly encoding: 'utf8' },
) => Promise<void>;

/** Options of `createInventoryExitModule`. Where records go is configuration (`OutputFile`), not an option. */
export interface InventoryExitModuleOptions {
  /**
   * Appends one record line. Inject it to send lines elsewhere or to simulate a failing disk.
   * @default appendFile from node:fs/promises
   */
  appendFile?: AppendFileFunction;
  /**
   * The clock for each record's `time`.
   * @default () => new Date()
   */
  now?: () => Date;
}
