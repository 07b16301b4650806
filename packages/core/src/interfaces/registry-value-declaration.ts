/** The type of a registry value, as regedit and certutil name it. */
export type RegistryValueType = 'REG_DWORD' | 'REG_SZ' | 'REG_MULTI_SZ' | 'REG_BINARY';

/** The JavaScript value of each registry type. */
export interface RegistryValueOfType {
  REG_DWORD: number;
  REG_SZ: string;
  REG_MULTI_SZ: readonly string[];
  REG_BINARY: Uint8Array;
}

/** What a default may depend on: facts about the CA (a value whose default differs by CA type). */
export interface RegistryDefaultContext {
  /** `CAType` (ENUM_CATYPES), when known. */
  readonly caType?: number;
}

/**
 * One known value of a registry key: its name, type, default and meaning. The code that reads the value and
 * `certexit getreg`/`setreg` share the declaration, so the default a reader applies is the one getreg shows and
 * setreg starts `+X` from, and setreg refuses a name or a type the reader would not understand.
 */
export interface RegistryValueDeclaration<T extends RegistryValueType = RegistryValueType> {
  readonly name: string;
  readonly type: T;
  /**
   * The effective value when none is set: a value, or a function of the CA when it depends on it. Absent when
   * "not set" means "none" (no server, no file).
   */
  readonly default?: RegistryValueOfType[T] | ((ca: RegistryDefaultContext) => RegistryValueOfType[T]);
  /** One sentence: what the value does. */
  readonly meaning: string;
  /**
   * For a DWORD of flag bits: the bits by constant name (`{ EXITPUB_FILE: 0x1, … }`), which `setreg +X/-X` accepts
   * and `getreg` shows.
   */
  readonly flags?: Readonly<Record<string, number>>;
  /** For a REG_SZ: the only values allowed, compared without case. */
  readonly oneOf?: readonly string[];
  /** For a REG_DWORD: the smallest value allowed. */
  readonly min?: number;
  /** For a REG_DWORD: the largest value allowed. */
  readonly max?: number;
  /** Set by certexit itself, not by setreg; says what to use instead (`certexit caller add`). */
  readonly readOnly?: string;
  /** The value is a credential: never printed. */
  readonly secret?: boolean;
}

/** The declared values and subkeys of one registry key. */
export interface RegistryKeyDeclaration {
  readonly values: Readonly<Record<string, RegistryValueDeclaration>>;
  /** Declared subkeys by name; `*` stands for any name (a key per event, per template, per module). */
  readonly subkeys?: Readonly<Record<string, RegistryKeyDeclaration>>;
  /** Values of any name are allowed, all of this type (an environment's variables). */
  readonly anyValueOfType?: RegistryValueType;
  /** Any value of any name is secret (an environment's variables): names are shown, values never. */
  readonly secretValues?: boolean;
}
