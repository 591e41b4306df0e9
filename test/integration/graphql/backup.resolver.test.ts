import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupResolver } from '../../../src/graphql/resolvers/backup.resolver.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const system = { type: 'system' as const, id: 'test' };
const BACKUP = 'name createdAt documents bytes gzip collections { name count bytes } lastVerification { ok at }';

let srv: TestServer;
let admin: string;
beforeAll(async () => {
  srv = await startTestServer();
  admin = (await srv.signIn({ roles: ['admin'] })).token;
});
afterAll(async () => {
  await srv.close();
});

async function fundedAccount(credits: number): Promise<string> {
  const { accountId } = await srv.signIn();
  await srv.services.ledger.grant({
    accountId,
    amount: credits,
    reason: 'test funds',
    idempotencyKey: `fund-${accountId}`,
    actor: system,
    source: { type: 'system' },
  });
  return accountId;
}

const balance = async (accountId: string) => (await srv.services.accounts.getById(accountId)).balance;

async function createBackup(): Promise<{ name: string; documents: number }> {
  const data = await srv.gqlData<{ createBackup: { name: string; documents: number } }>(
    `mutation { createBackup { ${BACKUP} } }`,
    {},
    admin,
  );
  return data.createBackup;
}

describe(BackupResolver.name, () => {
  describe('authorization', () => {
    it('answers UNAUTHENTICATED without a token and FORBIDDEN to users and support', async () => {
      const user = (await srv.signIn()).token;
      const support = (await srv.signIn({ roles: ['support'] })).token;
      const before = await srv.services.backups.list();
      for (const query of [
        '{ backups { name } }',
        '{ jobRuns { id } }',
        'mutation { createBackup { name } }',
        'mutation { verifyBackup(name: "2024-05-01T03-00-00-000Z") { ok } }',
        'mutation { restoreBackup(name: "2024-05-01T03-00-00-000Z", confirm: true) { name } }',
      ]) {
        expect((await srv.gql(query)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect((await srv.gql(query, {}, user)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect((await srv.gql(query, {}, support)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      expect(await srv.services.backups.list()).toEqual(before);
    });
  });

  describe('createBackup, backups, verifyBackup, restoreBackup', () => {
    it('backs up, lists, verifies, and restores the data as it was at the backup', async () => {
      const accountId = await fundedAccount(40);
      const created = await createBackup();
      expect(created.documents).toBeGreaterThan(0);

      const listed = await srv.gqlData<{ backups: Array<{ name: string }> }>(`{ backups { ${BACKUP} } }`, {}, admin);
      // createBackup is the backup job run now: written, verified, then retention applied.
      expect(listed.backups[0]).toMatchObject({ name: created.name, lastVerification: { ok: true } });

      const verified = await srv.gqlData<{ verifyBackup: { ok: boolean; problems: unknown[] } }>(
        'mutation($name: String!) { verifyBackup(name: $name) { name ok checkedAt problems { file line problem } collections { name count } } }',
        { name: created.name },
        admin,
      );
      expect(verified.verifyBackup).toMatchObject({ ok: true, problems: [] });

      await srv.services.ledger.spend({
        accountId,
        amount: 15,
        reason: 'after the backup',
        idempotencyKey: 'later',
        actor: system,
      });
      expect(await balance(accountId)).toBe(25);

      const restored = await srv.gqlData<{ restoreBackup: { name: string; documents: number } }>(
        'mutation($name: String!) { restoreBackup(name: $name, confirm: true) { name restoredAt documents collections { name count } } }',
        { name: created.name },
        admin,
      );
      expect(restored.restoreBackup).toMatchObject({ name: created.name, documents: created.documents });
      expect(await balance(accountId)).toBe(40);
      expect((await srv.services.ledger.verifyLedger()).ok).toBe(true);
      expect(await srv.store.collection('auditLog').findOne({ action: 'backup.restore' })).toMatchObject({
        actor: { type: 'admin' },
        target: { type: 'backup', id: created.name },
      });
    });

    it('restores nothing unless confirm is true', async () => {
      const accountId = await fundedAccount(9);
      const { name } = await createBackup();
      await srv.services.ledger.spend({
        accountId,
        amount: 4,
        reason: 'later',
        idempotencyKey: 'later-4',
        actor: system,
      });
      const r = await srv.gql(
        'mutation($name: String!) { restoreBackup(name: $name, confirm: false) { name } }',
        { name },
        admin,
      );
      expect(r.errors?.[0]).toMatchObject({
        extensions: { code: 'BAD_USER_INPUT' },
        message: expect.stringContaining('confirm'),
      });
      expect(await balance(accountId)).toBe(5);
    });

    it('reports what is wrong with a damaged backup and refuses to restore it', async () => {
      const accountId = await fundedAccount(12);
      const { name } = await createBackup();
      const file = join(srv.config.backupDir, name, 'ledgerEntries.json');
      await writeFile(file, (await readFile(file, 'utf8')).replace('test funds', 'test fundz'));
      await srv.services.ledger.spend({
        accountId,
        amount: 2,
        reason: 'later',
        idempotencyKey: 'later-2',
        actor: system,
      });

      const v = await srv.gqlData<{
        verifyBackup: { ok: boolean; problems: Array<{ file: string; problem: string }> };
      }>(
        'mutation($name: String!) { verifyBackup(name: $name) { ok problems { file line problem } } }',
        { name },
        admin,
      );
      expect(v.verifyBackup.ok).toBe(false);
      expect(v.verifyBackup.problems).toContainEqual(
        expect.objectContaining({ file: 'ledgerEntries.json', problem: expect.stringContaining('SHA-256 mismatch') }),
      );
      const r = await srv.gql(
        'mutation($name: String!) { restoreBackup(name: $name, confirm: true) { name } }',
        { name },
        admin,
      );
      expect(r.errors?.[0]).toMatchObject({
        extensions: { code: 'CONFLICT' },
        message: expect.stringContaining('ledgerEntries.json SHA-256 mismatch'),
      });
      expect(await balance(accountId)).toBe(10);
    });

    it('answers BAD_USER_INPUT for a name that is not a backup name and NOT_FOUND for an unknown one', async () => {
      const bad = await srv.gql('mutation { verifyBackup(name: "../../etc") { ok } }', {}, admin);
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const unknown = await srv.gql('mutation { verifyBackup(name: "1999-01-01T00-00-00-000Z") { ok } }', {}, admin);
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });

  describe('jobRuns', () => {
    it('lists job runs newest first with outcome, duration and summary, optionally of one job', async () => {
      await srv.services.jobs.run('verify-ledger', async () => ({ summary: { accountsChecked: 3 } }));
      await srv.services.jobs.run('backup', async () => {
        throw new Error('disk full');
      });
      const all = await srv.gqlData<{ jobRuns: Array<Record<string, unknown>> }>(
        '{ jobRuns(first: 2) { id job holder startedAt finishedAt durationMs outcome error summary } }',
        {},
        admin,
      );
      expect(all.jobRuns).toEqual([
        expect.objectContaining({
          job: 'backup',
          outcome: 'FAILED',
          error: 'disk full',
          durationMs: expect.any(Number),
        }),
        expect.objectContaining({ job: 'verify-ledger', outcome: 'SUCCEEDED', summary: '{"accountsChecked":3}' }),
      ]);
      const one = await srv.gqlData<{ jobRuns: Array<{ job: string }> }>(
        '{ jobRuns(job: "verify-ledger") { job outcome } }',
        {},
        admin,
      );
      expect(one.jobRuns.map((r) => r.job)).toEqual(['verify-ledger']);
    });
  });
});
