import type { DataSource } from 'typeorm';

/**
 * The SQL TypeORM would generate from the entities against the database as it is: what
 * `npm run migration:generate` would write. Empty when the entities describe every column,
 * type, default, key and index the migrations created.
 */
export async function pendingSchemaStatements(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}

interface IndexShape {
  table: string;
  unique: boolean;
  columns: string[];
  where: string | null;
}

/**
 * TypeORM's schema diff compares an index by name, uniqueness and column set only: a changed
 * partial-index predicate or column order goes unnoticed. This compares each index the
 * entities declare with the database's own definition of it, one line per difference.
 */
export async function indexDifferences(dataSource: DataSource): Promise<string[]> {
  const actual = dataSource.options.type === 'postgres' ? await postgresIndexes(dataSource) : await sqliteIndexes(dataSource);
  const differences: string[] = [];
  for (const metadata of dataSource.entityMetadatas) {
    for (const index of metadata.indices) {
      const expected: IndexShape = {
        table: metadata.tableName,
        unique: index.isUnique,
        columns: index.columns.map((column) => column.databaseName),
        where: normalizePredicate(index.where),
      };
      const found = actual.get(index.name);
      if (JSON.stringify(found) !== JSON.stringify(expected)) {
        differences.push(`${index.name}: entity ${JSON.stringify(expected)}, database ${JSON.stringify(found ?? null)}`);
      }
    }
  }
  return differences;
}

async function postgresIndexes(dataSource: DataSource): Promise<Map<string, IndexShape>> {
  const rows: { name: string; table: string; unique: boolean; columns: string[]; predicate: string | null }[] = await dataSource.query(
    `SELECT i.relname AS name, t.relname AS table, ix.indisunique AS unique,
            pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
            ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema()`,
  );
  return new Map(rows.map((row) => [row.name, { table: row.table, unique: row.unique, columns: row.columns, where: normalizePredicate(row.predicate) }]));
}

async function sqliteIndexes(dataSource: DataSource): Promise<Map<string, IndexShape>> {
  const rows: { name: string; table: string; sql: string }[] = await dataSource.query(
    `SELECT name, tbl_name AS "table", sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`,
  );
  const indexes = new Map<string, IndexShape>();
  for (const row of rows) {
    const columns: { name: string }[] = await dataSource.query('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [row.name]);
    indexes.set(row.name, {
      table: row.table,
      unique: /^CREATE UNIQUE INDEX/i.test(row.sql),
      columns: columns.map((column) => column.name),
      where: normalizePredicate(/\sWHERE\s([\s\S]+)$/i.exec(row.sql)?.[1]),
    });
  }
  return indexes;
}

/** `("a" IS NOT NULL)` and `a IS NOT NULL` are one predicate. */
function normalizePredicate(predicate: string | null | undefined): string | null {
  if (!predicate) return null;
  let text = predicate.replace(/"/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
  while (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  return text;
}
