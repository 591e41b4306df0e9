import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonPress, OTHER_ROLE_ID, slashCommand, snowflake, supportMember } from '../fakes/discord/interactions.js';
import { answerText, ServiceStack } from '../helpers/service-stack.js';
import { auditRows, checkLedger, completedEvent, key, payForPack } from '../helpers/stack-actions.js';

/**
 * Journey 4: support fixes an account from Discord over the HTTP interactions endpoint — a
 * goodwill /credits add, a small /credits remove, then a removal above what the account holds
 * that asks for confirmation and is clamped. The ledger and the audit log name the agent and the
 * reason; a member without the support role and a user-role GraphQL caller change nothing.
 */
describe('journey 4: support adds and removes credits from Discord', () => {
  let stack: ServiceStack;
  beforeAll(async () => {
    stack = await ServiceStack.start();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('changes the balance as asked, audits the agent and reason, and refuses the unauthorised', async () => {
    const customer = await stack.signIn();
    const admin = await stack.signIn(['admin']);
    const balance = async () =>
      (await stack.gqlData<{ me: { balance: number } }>('{ me { balance } }', {}, customer.token)).me.balance;
    const session = await payForPack(stack, customer, 'starter');
    await stack.webhook(completedEvent(stack, session));
    expect(await balance()).toBe(10);

    const alice = supportMember('alice');
    const bob = supportMember('bob');
    const email = customer.email;

    const added = await stack.interact(
      slashCommand(alice, 'credits', 'add', { amount: 25, reason: 'goodwill after outage', email }),
    );
    expect(answerText(added)).toContain('10 → 35');
    expect(await balance()).toBe(35);

    const removed = await stack.interact(
      slashCommand(alice, 'credits', 'remove', { amount: 5, reason: 'duplicate grant', email }),
    );
    expect(answerText(removed)).toContain('35 → 30');
    expect(await balance()).toBe(30);

    // More than the account holds: a prompt, nothing removed yet.
    const prompt = await stack.interact(
      slashCommand(alice, 'credits', 'remove', { amount: 150, reason: 'chargeback', email }),
    );
    expect(answerText(prompt)).toContain('Confirm removing 150 credits?');
    expect(prompt.buttons.map((b) => b.label)).toEqual(['Remove 30', 'Cancel']);
    expect(await balance()).toBe(30);
    const confirm = prompt.buttons[0]?.custom_id ?? '';
    expect(answerText(await stack.interact(buttonPress(bob, confirm)))).toContain('Not allowed');
    expect(await balance()).toBe(30);
    const done = await stack.interact(buttonPress(alice, confirm));
    expect(answerText(done)).toContain('Removed 30 credits');
    expect(answerText(done)).toContain('30 → 0');
    expect(await balance()).toBe(0);
    expect(answerText(await stack.interact(buttonPress(alice, confirm)))).toContain('already applied');
    expect(await balance()).toBe(0);

    // Refused: a member without the support role, and a user-role caller over GraphQL.
    const member = { id: snowflake(), username: 'mallory', roles: [OTHER_ROLE_ID] };
    const refused = await stack.interact(
      slashCommand(member, 'credits', 'add', { amount: 1000, reason: 'for me', email }),
    );
    expect(answerText(refused)).toContain('Not allowed');
    const self = await stack.gql(
      'mutation($a: ID!, $k: String!) { adjustCredits(accountId: $a, amount: 1000, reason: "for me", idempotencyKey: $k) { id } }',
      { a: customer.accountId, k: key('self') },
      customer.token,
    );
    expect(self.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await balance()).toBe(0);

    // The ledger names the agent and the reason of every manual change.
    const { accountLedger } = await stack.gqlData<{
      accountLedger: {
        nodes: Array<{
          amount: number;
          kind: string;
          reason: string;
          actor: { type: string; id: string; name: string };
        }>;
      };
    }>(
      'query($id: ID!) { accountLedger(accountId: $id, first: 20) { nodes { amount kind reason actor { type id name } } } }',
      { id: customer.accountId },
      admin.token,
    );
    const manual = accountLedger.nodes.filter((e) => e.kind === 'ADJUSTMENT').reverse();
    expect(manual).toEqual([
      {
        amount: 25,
        kind: 'ADJUSTMENT',
        reason: 'goodwill after outage',
        actor: { type: 'DISCORD', id: alice.id, name: 'alice' },
      },
      {
        amount: -5,
        kind: 'ADJUSTMENT',
        reason: 'duplicate grant',
        actor: { type: 'DISCORD', id: alice.id, name: 'alice' },
      },
      {
        amount: -30,
        kind: 'ADJUSTMENT',
        reason: 'chargeback',
        actor: { type: 'DISCORD', id: alice.id, name: 'alice' },
      },
    ]);

    // The audit log: one row per change, with actor, reason and balances; nothing for the refused.
    const audit = (await auditRows(stack, admin.token)).filter((r) => r.target?.id === customer.accountId);
    expect(audit.map((r) => [r.actor.id, r.actor.name, r.reason, r.balanceBefore, r.balanceAfter])).toEqual([
      [alice.id, 'alice', 'goodwill after outage', 10, 35],
      [alice.id, 'alice', 'duplicate grant', 35, 30],
      [alice.id, 'alice', 'chargeback', 30, 0],
    ]);
    expect(audit.some((r) => r.actor.id === member.id || r.actor.id === customer.subject)).toBe(false);
    expect((await checkLedger(stack, admin.token)).drift).toEqual([]);
  });
});
