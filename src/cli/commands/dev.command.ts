import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import Stripe from 'stripe';
import { DomainError, badInput } from '../../domain/errors.js';
import { issueDevToken } from '../../graphql/auth/jwt.signer.js';
import { resolveWebhookSecrets } from '../../payments/stripe/dev-webhook-secret.js';
import type { CliContext } from '../cli-context.js';

interface PurchaseOptions {
  email: string;
  package: string;
  url?: string;
}

/**
 * `npm run cli -- dev purchase --email a@example.com --package starter`: what Stripe would send
 * after a paid Checkout, signed like Stripe signs it, posted to the running development server.
 * The account is found (or created) through the server's own GraphQL API with a dev token, so it
 * works on the in-memory engine too. Refused outside development.
 */
export function registerDevCommand(program: Command, ctx: CliContext): void {
  const dev = program.command('dev').description('development helpers (refused unless NODE_ENV=development)');
  dev
    .command('purchase')
    .description('post a signed checkout.session.completed for an account to the running server')
    .requiredOption('--email <email>', 'the account (created on first use)')
    .requiredOption('--package <id>', 'a credit package id (see creditPackages)')
    .option('--url <url>', 'the running server (default http://127.0.0.1:$PORT)')
    .action(async (options: PurchaseOptions) => ctx.print(...(await devPurchase(ctx, options))));
}

async function devPurchase(ctx: CliContext, options: PurchaseOptions): Promise<[Record<string, unknown>, string]> {
  const config = ctx.config();
  if (config.NODE_ENV !== 'development')
    throw new DomainError('FORBIDDEN', `dev purchase runs only when NODE_ENV=development (it is ${config.NODE_ENV})`);
  const pkg = config.creditPackages.find((p) => p.id === options.package);
  if (!pkg)
    throw badInput(`--package: unknown "${options.package}"; use ${config.creditPackages.map((p) => p.id).join(', ')}`);
  const base = (options.url ?? `http://127.0.0.1:${config.PORT}`).replace(/\/$/, '');
  const { token } = await issueDevToken(config, { email: options.email, roles: 'user', ttl: '5m' });
  const me = async () => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id balance } }' }),
    }).catch((error: unknown) => {
      throw new DomainError(
        'UPSTREAM_FAILED',
        `no server answers at ${base} (${String(error)}); start it with npm start`,
      );
    });
    const body = (await res.json()) as {
      data?: { me: { id: string; balance: number } };
      errors?: { message: string }[];
    };
    if (!body.data)
      throw new DomainError('UPSTREAM_FAILED', `${base}/graphql: ${body.errors?.[0]?.message ?? res.status}`);
    return body.data.me;
  };
  const account = await me();
  const now = Math.floor(Date.now() / 1000);
  const session = {
    id: `cs_dev_${randomBytes(12).toString('hex')}`,
    object: 'checkout.session',
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: account.id,
    metadata: { accountId: account.id, packageId: pkg.id, credits: String(pkg.credits) },
    amount_total: pkg.amount,
    currency: pkg.currency,
    created: now,
  };
  const payload = JSON.stringify({
    id: `evt_dev_${randomBytes(12).toString('hex')}`,
    object: 'event',
    type: 'checkout.session.completed',
    created: now,
    livemode: false,
    data: { object: session },
  });
  const [secret] = resolveWebhookSecrets(config) ?? [];
  if (!secret) throw new DomainError('CONFIGURATION', 'no webhook secret');
  const res = await fetch(`${base}/webhooks/stripe`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }),
    },
    body: payload,
  });
  const delivery = (await res.json()) as { status?: string; outcome?: string; error?: string };
  if (!res.ok)
    throw new DomainError('UPSTREAM_FAILED', `webhook answered ${res.status}: ${delivery.error ?? delivery.status}`);
  const after = await me();
  return [
    {
      accountId: account.id,
      sessionId: session.id,
      package: pkg.id,
      credits: pkg.credits,
      webhook: delivery,
      balance: after.balance,
    },
    `${options.email}: +${pkg.credits} credits (${pkg.id}, session ${session.id}); balance ${account.balance} → ${after.balance}`,
  ];
}
