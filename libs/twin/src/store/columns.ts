/** How one field of a record is kept in its SQLite column. */
export type ColumnKind = 'value' | 'json' | 'bool' | 'nullable';

/** A field's column: its name, and how its value is written and read. */
export interface ColumnSpec {
  readonly column: string;
  /**
   * `value` as is; `json` as JSON text; `bool` as 0/1; `nullable` as is, with SQL NULL read back as `null`.
   * @default 'value'
   */
  readonly kind?: ColumnKind;
}

/** Every field of a record type mapped to its column: the one place a record's storage is written down. */
export type Columns<R> = { readonly [K in keyof R]-?: ColumnSpec | string };

type Row = Record<string, unknown>;

/**
 * One record type in one table: maps records to rows and back, and writes the SQL that names its columns, so that
 * no query or mapping lists the columns by hand.
 */
export class RecordTable<R extends object> {
  private readonly specs: readonly (readonly [keyof R & string, Required<ColumnSpec>])[];

  constructor(readonly table: string, columns: Columns<R>) {
    this.specs = Object.entries(columns).map(([field, spec]) => {
      const s = typeof spec === 'string' ? { column: spec } : (spec as ColumnSpec);
      return [field as keyof R & string, { column: s.column, kind: s.kind ?? 'value' }] as const;
    });
  }

  /** The record a row holds (undefined for no row). */
  fromRow(row: Row | undefined): R | undefined {
    if (!row) return undefined;
    const out: Record<string, unknown> = {};
    for (const [field, { column, kind }] of this.specs) {
      const v = row[column];
      out[field] = kind === 'json' ? JSON.parse(v as string) : kind === 'bool' ? v === 1 : kind === 'nullable' ? (v ?? null) : v;
    }
    return out as R;
  }

  /** The named parameters (`@field`) of a record, as SQLite takes them. */
  params(record: R): Row {
    const out: Row = {};
    for (const [field, { kind }] of this.specs) {
      const v = (record as Record<string, unknown>)[field];
      out[field] = kind === 'json' ? JSON.stringify(v) : kind === 'bool' ? (v ? 1 : 0) : (v ?? null);
    }
    return out;
  }

  /** `INSERT INTO <table> (every column) VALUES (@every field)`. */
  insertSql(): string {
    return `INSERT INTO ${this.table} (${this.specs.map(([, s]) => s.column).join(', ')}) VALUES (${this.specs.map(([f]) => `@${f}`).join(', ')})`;
  }

  /** `UPDATE <table> SET <the fields' columns> WHERE <the key fields' columns>`, with named parameters. */
  updateSql(fields: readonly (keyof R & string)[], key: readonly (keyof R & string)[]): string {
    const col = (f: keyof R & string) => this.columnOf(f);
    return `UPDATE ${this.table} SET ${fields.map((f) => `${col(f)} = @${f}`).join(', ')} WHERE ${key.map((f) => `${col(f)} = @${f}`).join(' AND ')}`;
  }

  /** `SELECT * FROM <table> WHERE <fields' columns> = ?` (positional parameters, in the order given). */
  selectSql(where: readonly (keyof R & string)[]): string {
    return `SELECT * FROM ${this.table} WHERE ${where.map((f) => `${this.columnOf(f)} = ?`).join(' AND ')}`;
  }

  columnOf(field: keyof R & string): string {
    const spec = this.specs.find(([f]) => f === field);
    if (!spec) throw new Error(`${this.table} has no column for ${field}`);
    return spec[1].column;
  }
}
