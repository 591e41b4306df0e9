import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AuthRole } from '../../src/graphql/auth/jwt.verifier.js';
import {
  chromiumMissing,
  launchBrowser,
  screenshotOnFailure,
  type Browser,
  type TrackedPage,
} from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

if (chromiumMissing)
  process.stderr.write(`\n!!!!! SKIPPED support console browser tests: ${chromiumMissing} !!!!!\n\n`);

const system = { type: 'system' as const, id: 'seed' };

describe.skipIf(chromiumMissing)('support console (/console) in chromium', () => {
  let srv: TestServer;
  let browser: Browser;
  let tab: TrackedPage;
  let page: Page;

  beforeAll(async () => {
    [srv, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });
  beforeEach(async () => {
    tab = await browser.newPage();
    page = tab.page;
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') {
      const file = await screenshotOnFailure(page, ctx.task.name);
      if (file) process.stderr.write(`screenshot of the failed test: ${file}\n`);
    }
    await page.close();
  });

  const customer = async (balance = 0) => {
    const email = `c-${Math.random().toString(36).slice(2, 10)}@example.com`;
    const account = await srv.services.accounts.findOrCreateByEmail(email);
    if (balance > 0)
      await srv.services.ledger.grant({
        accountId: account.id,
        amount: balance,
        reason: 'pack',
        idempotencyKey: 'seed',
        actor: system,
        source: { type: 'stripe' },
      });
    return { email, id: account.id };
  };

  const signIn = async (roles: AuthRole[]) => {
    await page.goto(`${srv.url}/console/`);
    await page.getByLabel('Access token').fill(await srv.token({ roles }));
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  const openAccount = async (email: string) => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByLabel('Search by email').fill(email.slice(0, 10));
    await page.getByRole('link', { name: email }).click();
    await page.getByRole('heading', { level: 1, name: email }).waitFor();
  };

  /** Runs an expression in the page (a string: the browser's globals are not the server's types). */
  const js = <T = unknown>(expression: string): Promise<T> => page.evaluate<T>(expression);
  const summary = (what: string) => page.getByTestId(`summary-${what}`).locator('dd');
  const noBrowserErrors = () => expect(tab.errors).toEqual([]);

  it('signs support in with a pasted token, lands on the overview, and keeps the token out of URL and localStorage', async () => {
    await signIn(['support']);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview');
    // Focus moves in an effect after the render that shows the heading: wait for it, don't race it.
    await expect.poll(() => js('document.activeElement?.tagName')).toBe('H1');
    expect(page.url()).not.toMatch(/eyJ/);
    expect(await js('localStorage.length')).toBe(0);
    expect(await page.getByRole('link', { name: 'Backups and jobs' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect(await js('sessionStorage.length')).toBe(0);
    noBrowserErrors();
  });

  it('finds an account by email and adjusts +10 with a reason: new balance and ledger row', async () => {
    const c = await customer(5);
    await signIn(['support']);
    await openAccount(c.email);
    await page.locator('#adjust-amount').fill('10');
    await page.locator('#adjust-reason').fill('Webhook failed');
    await page.getByRole('button', { name: 'Apply adjustment' }).click();
    await page.getByText('Added 10 credits. New balance: 15.').waitFor();
    await expect.poll(() => js('document.activeElement?.textContent')).toBe('Added 10 credits. New balance: 15.');
    await expect.poll(() => summary('balance').textContent()).toBe('15');
    const row = page
      .locator('table', { has: page.locator('caption', { hasText: 'Ledger entries' }) })
      .locator('tbody tr')
      .first();
    await expect.poll(() => row.textContent()).toMatch(/\+10.*15.*adjustment.*Webhook failed/);
    expect((await srv.services.accounts.getById(c.id)).balance).toBe(15);
    noBrowserErrors();
  });

  it('applies a double-clicked adjustment once, and a retry after a lost answer replays it', async () => {
    const c = await customer();
    await signIn(['support']);
    await openAccount(c.email);
    await page.locator('#adjust-amount').fill('7');
    await page.locator('#adjust-reason').fill('goodwill');
    await page.getByRole('button', { name: 'Apply adjustment' }).dblclick();
    await page.getByText('Added 7 credits. New balance: 7.').waitFor();
    expect((await srv.services.ledger.list(c.id, { first: 10 })).items).toHaveLength(1);

    // The server applies the change but the answer is lost; pressing again sends the same key.
    let dropped = false;
    await page.route('**/graphql', async (route) => {
      if (!dropped && route.request().postData()?.includes('AdjustCredits')) {
        dropped = true;
        await route.fetch();
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.locator('#adjust-amount').fill('3');
    await page.locator('#adjust-reason').fill('second');
    await page.getByRole('button', { name: 'Apply adjustment' }).click();
    await page.getByText('The server could not be reached').waitFor();
    await page.getByRole('button', { name: 'Apply adjustment' }).click();
    await page.getByText('Added 3 credits. New balance: 10.').waitFor();
    expect((await srv.services.accounts.getById(c.id)).balance).toBe(10);
    expect((await srv.services.ledger.list(c.id, { first: 10 })).items).toHaveLength(2);
    tab.errors.splice(0); // the aborted request is logged by chromium on purpose
  });

  it('asks for confirmation above SUPPORT_CONFIRM_ABOVE before adjusting', async () => {
    const c = await customer();
    await signIn(['support']);
    await openAccount(c.email);
    await page.locator('#adjust-amount').fill('150');
    await page.locator('#adjust-reason').fill('enterprise deal');
    await page.getByRole('button', { name: 'Apply adjustment' }).click();
    await page.getByText('more than 100. Are you sure?').waitFor();
    expect((await srv.services.accounts.getById(c.id)).balance).toBe(0);
    await page.getByRole('button', { name: 'Confirm adjustment' }).click();
    await page.getByText('Added 150 credits. New balance: 150.').waitFor();
    noBrowserErrors();
  });

  it('freezes then unfreezes with reasons, both visible in the audit trail', async () => {
    const c = await customer(3);
    await signIn(['support']);
    await openAccount(c.email);
    await page.locator('#status-reason').fill('suspected card fraud');
    await page.getByRole('button', { name: 'Freeze account' }).click();
    await page.getByText('The account is frozen').waitFor();
    await expect.poll(() => summary('status').textContent()).toBe('frozen');
    await page.locator('#status-reason').fill('bank confirmed the card holder');
    await page.getByRole('button', { name: 'Unfreeze account' }).click();
    await page.getByText('The account is active again.').waitFor();
    await expect.poll(() => summary('status').textContent()).toBe('active');
    const audit = page.locator('table', { has: page.locator('caption', { hasText: 'Support and admin actions' }) });
    await expect
      .poll(() => audit.locator('tbody tr').allTextContents())
      .toEqual([
        expect.stringMatching(/account\.unfreeze.*bank confirmed the card holder/),
        expect.stringMatching(/account\.freeze.*suspected card fraud/),
      ]);
    expect((await srv.services.accounts.getById(c.id)).status).toBe('active');
    noBrowserErrors();
  });

  it('tells a user token it has no access, and keeps it nowhere', async () => {
    await signIn(['user']);
    await page.getByRole('alert').getByText('no access to the support console').waitFor();
    expect(await js('sessionStorage.length')).toBe(0);
    expect(await page.getByRole('navigation').count()).toBe(0);
    noBrowserErrors();
  });

  it('returns to sign-in with a message when the token has expired', async () => {
    await signIn(['support']);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const expired = await srv.token({ roles: ['support'], ttl: '-5m' });
    await js(`sessionStorage.setItem('noi-console-token', ${JSON.stringify(expired)})`);
    await page.reload();
    await page.getByText('Your session has expired').waitFor();
    await page.getByLabel('Access token').waitFor();
    expect(tab.errors.every((e) => /401/.test(e))).toBe(true); // chromium logs the 401 response itself
  });

  it('lets an admin run a backup and verify it', async () => {
    await customer(4);
    await signIn(['admin']);
    await page.getByRole('link', { name: 'Backups and jobs' }).click();
    await page.getByText('No backups yet.').waitFor();
    await page.getByRole('button', { name: 'Run a backup now' }).click();
    await page.getByText(/^Backup .* written\.$/).waitFor();
    const row = page.locator('tbody tr').first();
    // A manual backup runs the scheduled job's steps (backup, verify, retention), so it is verified at once.
    await expect.poll(() => row.locator('td').nth(3).textContent()).toMatch(/^verified /);
    await row.getByRole('button', { name: /Verify/ }).click();
    await page.getByText(/verified: checksums, counts and ledger invariants all pass/).waitFor();
    await expect.poll(() => row.locator('td').nth(3).textContent()).toMatch(/^verified /);
    noBrowserErrors();
  });

  it('draws the overview chart from the per-day totals', async () => {
    const c = await customer(40);
    await srv.services.ledger.spend({
      accountId: c.id,
      amount: 6,
      reason: 'analysis',
      idempotencyKey: 's1',
      actor: system,
    });
    await signIn(['support']);
    await page.getByTestId('overview-chart').locator('canvas').waitFor();
    expect(Number(await page.getByTestId('total-sold').locator('dd').textContent())).toBeGreaterThanOrEqual(40);
    expect(Number(await page.getByTestId('total-spent').locator('dd').textContent())).toBeGreaterThanOrEqual(6);
    await page.getByText('Daily figures as a table').click();
    const daily = page.locator('table', { has: page.locator('caption', { hasText: 'per day' }) });
    expect(await daily.locator('tbody tr').count()).toBe(30);
    noBrowserErrors();
  });

  it('lists webhook failures page by page with their session and account', async () => {
    const c = await customer();
    // 27 checkout events about this account that fail (their record cannot be written): 25 on page one.
    for (let i = 0; i < 27; i += 1) {
      srv.store.faults.failWrite({ collection: 'processedEvents' });
      const result = await srv.services.stripeEvents.handle({
        id: `evt_console_${i}`,
        type: 'checkout.session.completed',
        kind: 'checkout',
        createdAt: new Date(),
        session: {
          id: `cs_console_${i}`,
          url: null,
          status: 'complete',
          paymentStatus: 'unpaid',
          accountId: c.id,
          packageId: 'starter',
          credits: 10,
          customerId: null,
          amountTotal: 1900,
          currency: 'usd',
          paymentIntentId: null,
          createdAt: new Date(),
          expiresAt: null,
        },
      });
      expect(result.status).toBe('failed');
    }
    await signIn(['support']);
    await page.getByRole('link', { name: 'Webhook failures' }).click();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    expect(await rows.first().textContent()).toContain('evt_console_26');
    expect(await rows.first().textContent()).toContain('cs_console_26');
    await page.getByRole('button', { name: 'Load more webhook failures' }).click();
    await expect.poll(() => rows.count()).toBe(27);
    expect(await rows.last().textContent()).toContain('evt_console_0');
    await expect(page.getByRole('button', { name: 'Load more webhook failures' }).count()).resolves.toBe(0);
    await rows
      .first()
      .getByRole('link', { name: `account ${c.id}` })
      .click();
    await page.getByRole('heading', { level: 1, name: c.email }).waitFor();
    noBrowserErrors();
  });

  it('labels every form control and can be signed into with the keyboard alone', async () => {
    await page.goto(`${srv.url}/console/`);
    await page.keyboard.press('Tab');
    expect(await js('document.activeElement?.id')).toBe('token');
    await page.keyboard.type(await srv.token({ roles: ['support'] }));
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const c = await customer();
    await openAccount(c.email);
    // Every control has an accessible name: its <label>, an aria-label, or its text.
    const unlabeled = await js<string[]>(`[...document.querySelectorAll('input, textarea, select, button')]
      .filter((e) => !((e.labels?.[0]?.textContent ?? e.getAttribute('aria-label') ?? e.textContent) || '').trim())
      .map((e) => e.outerHTML)`);
    expect(unlabeled).toEqual([]);
    noBrowserErrors();
  });
});
