import Database from 'better-sqlite3';
import { RecordTable } from './columns';

interface Thing {
  readonly id: string;
  readonly tags: readonly string[];
  readonly active: boolean;
  readonly note: string | null;
  readonly count: number;
}

const THINGS = new RecordTable<Thing>('things', { id: 'id', tags: { column: 'tags_json', kind: 'json' }, active: { column: 'is_active', kind: 'bool' }, note: { column: 'note', kind: 'nullable' }, count: 'n' });

describe('RecordTable', () => {
  it('writes the SQL from the columns and maps records to rows and back through SQLite', () => {
    expect(THINGS.insertSql()).toBe('INSERT INTO things (id, tags_json, is_active, note, n) VALUES (@id, @tags, @active, @note, @count)');
    expect(THINGS.updateSql(['note', 'count'], ['id'])).toBe('UPDATE things SET note = @note, n = @count WHERE id = @id');
    expect(THINGS.selectSql(['id', 'active'])).toBe('SELECT * FROM things WHERE id = ? AND is_active = ?');
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE things (id TEXT PRIMARY KEY, tags_json TEXT NOT NULL, is_active INTEGER NOT NULL, note TEXT, n INTEGER NOT NULL)');
      const thing: Thing = { id: 'a', tags: ['x', 'y'], active: true, note: null, count: 3 };
      db.prepare(THINGS.insertSql()).run(THINGS.params(thing));
      expect(THINGS.fromRow(db.prepare(THINGS.selectSql(['id'])).get('a') as Record<string, unknown>)).toEqual(thing);
      db.prepare(THINGS.updateSql(['note', 'count'], ['id'])).run(THINGS.params({ ...thing, note: 'hi', count: 4 }));
      expect(THINGS.fromRow(db.prepare(THINGS.selectSql(['id'])).get('a') as Record<string, unknown>)).toEqual({ ...thing, note: 'hi', count: 4 });
      expect(THINGS.fromRow(undefined)).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('names a field it has no column for', () => {
    expect(() => THINGS.columnOf('nope' as never)).toThrow('things has no column for nope');
  });
});
