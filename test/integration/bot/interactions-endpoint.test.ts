import { generateKeyPairSync } from 'node:crypto';
import { InteractionType } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, ping, signatureHeaders, slashCommand, supportMember } from '../../fakes/discord/interactions.js';
import { BotHarness, field, title } from './bot-harness.js';

describe('POST /discord/interactions', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await BotHarness.start();
  });
  afterAll(async () => {
    await h.close();
  });

  const now = () => Math.floor(h.clock.now().getTime() / 1000);

  /** An add command that would change the balance if anything ran. */
  const setup = async () => {
    const account = await h.account(10);
    const payload = slashCommand(supportMember(), 'credits', 'add', { amount: 5, reason: 'r', email: account.email });
    const untouched = async () => {
      expect((await h.services.accounts.getById(account.id)).balance).toBe(10);
      expect(await h.running.store.collection('auditLog').count({ 'target.id': account.id })).toBe(0);
      expect(h.fake.forToken(payload.token)).toEqual([]);
    };
    return { account, payload, untouched };
  };

  describe('signature', () => {
    it('answers a signed PING with PONG', async () => {
      const res = await h.post(ping());
      expect(res).toEqual({ status: 200, body: { type: 1 } });
    });

    it('refuses a PING signed by another key with 401', async () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      const body = JSON.stringify(ping());
      const res = await h.post(null, { body, headers: signatureHeaders(privateKey, body, now()) });
      expect(res.status).toBe(401);
    });

    it('refuses a command signed by another key: 401 and nothing runs', async () => {
      const { payload, untouched } = await setup();
      const { privateKey } = generateKeyPairSync('ed25519');
      const body = JSON.stringify(payload);
      const res = await h.post(null, { body, headers: signatureHeaders(privateKey, body, now()) });
      expect(res.status).toBe(401);
      await untouched();
    });

    it('refuses a tampered body: 401 and nothing runs', async () => {
      const { payload, untouched } = await setup();
      const signedBody = JSON.stringify({ ...payload, data: { ...payload.data, name: 'other' } });
      const res = await h.post(null, {
        body: JSON.stringify(payload),
        headers: signatureHeaders(h.privateKey, signedBody, now()),
      });
      expect(res.status).toBe(401);
      await untouched();
    });

    it('refuses missing or malformed signature headers with 401', async () => {
      const { payload, untouched } = await setup();
      const body = JSON.stringify(payload);
      const variants: Array<Record<string, string>> = [
        {},
        { 'x-signature-timestamp': String(now()) },
        { 'x-signature-ed25519': 'zz', 'x-signature-timestamp': String(now()) },
        { ...signatureHeaders(h.privateKey, body, now()), 'x-signature-timestamp': 'yesterday' },
      ];
      for (const headers of variants) {
        const res = await h.post(null, { body, headers });
        expect(res.status).toBe(401);
      }
      await untouched();
    });

    it('refuses a correctly signed request with a stale timestamp: 401 and nothing runs', async () => {
      const { payload, untouched } = await setup();
      expect((await h.post(payload, { timestamp: now() - 301 })).status).toBe(401);
      expect((await h.post(payload, { timestamp: now() + 301 })).status).toBe(401);
      await untouched();
    });

    it('accepts a timestamp within five minutes', async () => {
      const { account, payload } = await setup();
      const res = await h.post(payload, { timestamp: now() - 299 });
      expect(res.status).toBe(200);
      expect((await h.services.accounts.getById(account.id)).balance).toBe(15);
    });

    it('answers a signed body that is not JSON with 400', async () => {
      const body = 'not json';
      const res = await h.post(null, { body, headers: signatureHeaders(h.privateKey, body, now()) });
      expect(res.status).toBe(400);
    });

    it('answers an interaction type it does not serve with 400', async () => {
      const res = await h.post({ ...ping(), type: InteractionType.ApplicationCommandAutocomplete });
      expect(res.status).toBe(400);
    });
  });

  describe('commands', () => {
    it('answers a fast command in the HTTP response, ephemerally', async () => {
      const { account, payload } = await setup();
      const res = await h.post(payload);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 4, data: { flags: 64 } });
      const answer = await h.viaHttp(payload);
      expect(field(answer, 'Balance before → after')).toBe('10 → 15');
      expect((await h.services.accounts.getById(account.id)).balance).toBe(15);
    });

    it('defers slow work in the HTTP response, then edits @original through the REST API', async () => {
      const account = await h.account(12);
      const payload = slashCommand(supportMember(), 'credits', 'lookup', { email: account.email });
      const answer = await h.viaHttp(payload);
      expect(answer.httpType).toBe(5);
      expect(answer.via).toBe('edit');
      expect(answer.ephemeral).toBe(true);
      expect(title(answer)).toBe(account.email);
      expect(field(answer, 'Balance')).toBe('12');
      const [edit, ...more] = h.fake.forToken(payload.token);
      expect(more).toEqual([]);
      expect(edit).toMatchObject({ method: 'PATCH', path: `/webhooks/${APP_ID}/${payload.token}/messages/@original` });
      expect(edit?.authorization).toBeUndefined();
    });
  });

  describe('mounting', () => {
    it('is not mounted without DISCORD_PUBLIC_KEY', async () => {
      const other = await BotHarness.start({ DISCORD_PUBLIC_KEY: '' });
      try {
        expect((await other.post(ping())).status).toBe(404);
      } finally {
        await other.close();
      }
    });
  });
});
