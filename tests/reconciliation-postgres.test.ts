import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECONCILIATION_SCRIPTS_DIR } from '../modules/k8s/reconciliation-scripts';
import { REPO_ROOT } from './helpers/example-repo';
import { postgresql, startPostgres, type PostgresServer } from './helpers/postgres';

// Two real PostgreSQL servers stand in for the regions' copies of a data set; the script under test is
// the file the reconciliation ConfigMap carries, run by bash with the pinned psql on PATH.

const SCRIPT = path.join(REPO_ROOT, RECONCILIATION_SCRIPTS_DIR, 'postgres.sh');
const LEFT = 'us-east-1';
const RIGHT = 'us-west-2';

const SCHEMA = `
  CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, total numeric(12, 2) NOT NULL, placed_at timestamptz NOT NULL);
  CREATE TABLE order_lines (order_id bigint REFERENCES orders, line_no int, sku text NOT NULL, quantity int NOT NULL, PRIMARY KEY (order_id, line_no));
  CREATE TABLE audit_log (entry text NOT NULL);
  INSERT INTO orders SELECT g, 'customer-' || g, g * 10.5, timestamptz '2025-03-01 12:00:00+00' + g * interval '1 hour' FROM generate_series(1, 40) g;
  INSERT INTO order_lines SELECT o, l, 'sku-' || l, l FROM generate_series(1, 40) o, generate_series(1, 3) l;
  INSERT INTO audit_log VALUES ('created'), ('settled');
`;

let left: PostgresServer;
let right: PostgresServer;
let databases = 0;

beforeAll(async () => {
  // The regions' servers print times in different zones; equal data must still compare equal.
  [left, right] = await Promise.all([startPostgres({ TimeZone: 'America/New_York' }), startPostgres({ TimeZone: 'Asia/Tokyo' })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([left?.stop(), right?.stop()]);
});

/** A fresh database with the same `setup` in both regions, then `rightOnly` applied in the right region alone. */
async function dataSet(setup: string, rightOnly = ''): Promise<{ leftDsn: string; rightDsn: string }> {
  const name = `orders_${++databases}`;
  await Promise.all([left, right].map(async (server) => {
    await server.sql(`CREATE DATABASE ${name}`);
    await server.sql(setup, name);
  }));
  if (rightOnly) await right.sql(rightOnly, name);
  return { leftDsn: left.dsn(name), rightDsn: right.dsn(name) };
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the script; with `heapKiB`, bash and every program it starts are held to that much heap (ulimit -d). */
function reconcile(dsns: { leftDsn: string; rightDsn: string }, env: Record<string, string> = {}, heapKiB?: number): Promise<Outcome> {
  const pg = postgresql();
  return new Promise((resolve) => {
    execFile(
      'bash',
      heapKiB === undefined ? [SCRIPT] : ['--norc', '-c', `ulimit -d ${heapKiB} && exec bash "$0"`, SCRIPT],
      {
        env: {
          PATH: `${pg.binDir}:${process.env.PATH ?? ''}`,
          TMPDIR: process.env.TMPDIR ?? '/tmp',
          RECON_DATA_SET: 'orders-db',
          RECON_LEFT_REGION: LEFT,
          RECON_RIGHT_REGION: RIGHT,
          RECON_LEFT_DSN: dsns.leftDsn,
          RECON_RIGHT_DSN: dsns.rightDsn,
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('the PostgreSQL reconciliation script', () => {
  it('reports equal data as clean and exits 0, table by table', async () => {
    const outcome = await reconcile(await dataSet(SCHEMA));
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout.split('\n')).toEqual([
      `reconciliation of orders-db: ${LEFT} against ${RIGHT}`,
      'same    public.audit_log: 2 rows, equal checksums',
      'same    public.order_lines: 120 rows, equal checksums',
      'same    public.orders: 40 rows, equal checksums',
      `result: clean, 3 tables equal in ${LEFT} and ${RIGHT}`,
      '',
    ]);
    expect(outcome.code).toBe(0);
  });

  it('reports a missing row and a changed row with table and key, and exits 1', async () => {
    const outcome = await reconcile(await dataSet(SCHEMA, `DELETE FROM order_lines WHERE order_id = 7 AND line_no = 2; UPDATE orders SET total = 0 WHERE id = 12;`));
    expect(outcome.stdout).toContain(`DIFFERS public.order_lines: 120 rows in ${LEFT}, 119 in ${RIGHT}, checksums differ\n  public.order_lines {"order_id" : 7, "line_no" : 2}: missing in ${RIGHT}\n`);
    expect(outcome.stdout).toContain(`DIFFERS public.orders: 40 rows in ${LEFT}, 40 in ${RIGHT}, checksums differ\n  public.orders {"id" : 12}: changed (the row differs between ${LEFT} and ${RIGHT})\n`);
    expect(outcome.stdout).toContain('same    public.audit_log: 2 rows, equal checksums');
    expect(outcome.stdout).toMatch(new RegExp(`result: 2 of 3 tables differ \\(1 rows missing in ${RIGHT}, 0 missing in ${LEFT}, 1 changed\\)\\n$`));
    expect(outcome.code).toBe(1);
  });

  it('reports rows written only in the region that took over as missing in the other', async () => {
    const outcome = await reconcile(await dataSet(SCHEMA, `INSERT INTO orders VALUES (41, 'late', 1, now()), (42, 'later', 2, now());`));
    expect(outcome.stdout).toContain(`  public.orders {"id" : 41}: missing in ${LEFT}\n  public.orders {"id" : 42}: missing in ${LEFT}\n`);
    expect(outcome.code).toBe(1);
  });

  it('reports a table present in one region only, and a keyless table by its count alone', async () => {
    const outcome = await reconcile(await dataSet(SCHEMA, `CREATE TABLE refunds (id int PRIMARY KEY); INSERT INTO refunds VALUES (1); DELETE FROM audit_log WHERE entry = 'settled';`));
    expect(outcome.stdout).toContain(`DIFFERS public.refunds: table missing in ${LEFT} (1 rows in ${RIGHT})\n`);
    expect(outcome.stdout).toContain(`DIFFERS public.audit_log: 2 rows in ${LEFT}, 1 in ${RIGHT}, checksums differ\n  public.audit_log: no primary key, so its rows cannot be matched one by one\n`);
    expect(outcome.code).toBe(1);
  });

  it('keeps one line per finding whatever the names and keys hold', async () => {
    const hostile = `CREATE TABLE "odd ""name"", really" (k text PRIMARY KEY, v int); INSERT INTO "odd ""name"", really" VALUES (E'tab\\there', 1), (E'line\\nbreak', 2);`;
    const outcome = await reconcile(await dataSet(hostile, `UPDATE "odd ""name"", really" SET v = 3; `));
    expect(outcome.stdout).toContain(`  public.\\"odd \\"\\"name\\"\\", really\\" {"k" : "line\\nbreak"}: changed`);
    expect(outcome.stdout).toContain(`  public.\\"odd \\"\\"name\\"\\", really\\" {"k" : "tab\\there"}: changed`);
    expect(outcome.code).toBe(1);
  });

  // A table named t whose columns are named like the script's aliases and keywords: a column may never
  // stand in for the whole row, in the checksum or in the row-by-row comparison.
  const SHADOWING = `
    CREATE TABLE t (id int, "row" text, t text, recon_row text, "MixedCase" text, amount int, note text, PRIMARY KEY (id, "row"));
    INSERT INTO t VALUES
      (1, 'a', 'x', 'same', 'Same', 10, NULL),
      (2, 'a', 'y', 'same', 'Same', 20, E'tab\there'),
      (2, 'b', 'z', 'same', 'Same', 30, E'line\nbreak'),
      (4, 'a', NULL, NULL, NULL, 40, '');
  `;

  it('hashes whole rows even when columns are named t, row, recon_row or in mixed case, and compares NULLs, tabs and newlines as equal when equal', async () => {
    const outcome = await reconcile(await dataSet(SHADOWING));
    expect(outcome.stdout).toContain('same    public.t: 4 rows, equal checksums\n');
    expect(outcome.code).toBe(0);
  });

  it('reports rows that differ only outside the columns named like the aliases, by their composite key', async () => {
    const outcome = await reconcile(
      await dataSet(
        SHADOWING,
        `UPDATE t SET amount = 999 WHERE id = 1;
         DELETE FROM t WHERE id = 2 AND "row" = 'a'; INSERT INTO t VALUES (3, 'a', 'y', 'same', 'Same', 20, E'tab\there');
         UPDATE t SET note = E'line\tbreak' WHERE id = 2 AND "row" = 'b';
         UPDATE t SET note = NULL WHERE id = 4;`,
      ),
    );
    expect(outcome.stdout).toContain(
      [
        `DIFFERS public.t: 4 rows in ${LEFT}, 4 in ${RIGHT}, checksums differ`,
        `  public.t {"id" : 2, "row" : "a"}: missing in ${RIGHT}`,
        `  public.t {"id" : 3, "row" : "a"}: missing in ${LEFT}`,
        `  public.t {"id" : 1, "row" : "a"}: changed (the row differs between ${LEFT} and ${RIGHT})`,
        `  public.t {"id" : 2, "row" : "b"}: changed (the row differs between ${LEFT} and ${RIGHT})`,
        `  public.t {"id" : 4, "row" : "a"}: changed (the row differs between ${LEFT} and ${RIGHT})`,
        '',
      ].join('\n'),
    );
    expect(outcome.stdout).toMatch(/result: 1 of 1 tables differ \(1 rows missing in us-west-2, 1 missing in us-east-1, 3 changed\)\n$/);
    expect(outcome.code).toBe(1);
  });

  it('itemises at most RECON_MAX_ROWS_REPORTED rows of a kind and counts the rest', async () => {
    const outcome = await reconcile(await dataSet(SCHEMA, 'DELETE FROM order_lines WHERE order_id > 37; DELETE FROM orders WHERE id > 37;'), {
      RECON_MAX_ROWS_REPORTED: '1',
    });
    expect(outcome.stdout).toContain(`  public.orders {"id" : 38}: missing in ${RIGHT}\n  public.orders: 2 more rows missing in ${RIGHT}\n`);
    expect(outcome.stdout).not.toContain('{"id" : 39}');
    expect(outcome.stdout).toContain(`(12 rows missing in ${RIGHT}, 0 missing in ${LEFT}, 0 changed)`);
    expect(outcome.code).toBe(1);
  });

  it('lists a large differing table row by row in bounded memory, streaming it rather than holding it', async () => {
    // 200,000 rows, every other one changed: held whole, psql's listing needs more than the 16 MiB of
    // heap allowed here (as a whole table would exceed the Job's memory limit); fetched 10,000 rows at a
    // time it fits.
    const big = `CREATE TABLE events (id bigint PRIMARY KEY, payload text NOT NULL); INSERT INTO events SELECT g, repeat('p', 40) || g FROM generate_series(1, 200000) g;`;
    const outcome = await reconcile(await dataSet(big, 'UPDATE events SET payload = payload || 1 WHERE id % 2 = 0;'), {}, 16 * 1024);
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toContain(`  public.events {"id" : 100000}: changed`);
    expect(outcome.stdout).toMatch(/result: 1 of 1 tables differ \(0 rows missing in us-west-2, 0 missing in us-east-1, 100000 changed\)\n$/);
    expect(outcome.code).toBe(1);
  }, 60_000);

  it('exits 2, never 1, when a step fails unexpectedly, so a broken run is not read as a difference', async () => {
    const outcome = await reconcile(await dataSet(SCHEMA), { TMPDIR: '/nonexistent/scratch' });
    expect(outcome.stderr).toContain('reconciliation error: a command failed with status 1');
    expect(outcome.stdout).toBe('');
    expect(outcome.code).toBe(2);
  });

  it('exits 2 naming the region it cannot reach, without printing the connection string', async () => {
    const { leftDsn } = await dataSet(SCHEMA);
    const outcome = await reconcile({ leftDsn, rightDsn: 'host=127.0.0.1 port=1 user=reconciliation password=token-that-must-not-leak' });
    expect(outcome.stderr).toContain(`reconciliation error: psql failed against ${RIGHT}`);
    expect(`${outcome.stdout}${outcome.stderr}`).not.toContain('token-that-must-not-leak');
    expect(outcome.code).toBe(2);
  });

  it('refuses to start without both regions named', async () => {
    const outcome = await reconcile({ leftDsn: left.dsn(), rightDsn: right.dsn() }, { RECON_RIGHT_REGION: '' });
    expect(outcome.stderr).toBe('reconciliation error: RECON_RIGHT_REGION is not set\n');
    expect(outcome.code).toBe(2);
  });
});
