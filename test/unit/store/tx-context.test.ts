import { describe, expect, it } from 'vitest';
import { TxContext } from '../../../src/store/tx-context.js';

describe('TxContext', () => {
  it('keeps a body in its transaction while another transaction ends around it', async () => {
    const context = new TxContext<string>();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const seen: Array<string | undefined> = [];
    const a = context.scope(() =>
      context.run('A', async () => {
        seen.push(context.current());
        await gate;
        seen.push(context.current());
        await Promise.resolve();
        seen.push(context.current());
      }),
    );
    await context.scope(() => context.run('B', async () => void seen.push(context.current())));
    open();
    await a;
    expect(seen).toEqual(['A', 'B', 'A', 'A']);
  });

  it('reports no transaction outside every scope, before, between and after them', async () => {
    const context = new TxContext<string>();
    expect(context.current()).toBeUndefined();
    await context.scope(() => context.run('A', async () => expect(context.current()).toBe('A')));
    expect(context.current()).toBeUndefined();
    await context.scope(() => context.run('B', async () => expect(context.current()).toBe('B')));
    expect(context.current()).toBeUndefined();
  });

  it('counts a scope that fails as ended', async () => {
    const context = new TxContext<string>();
    await expect(context.scope(() => context.run('A', () => Promise.reject(new Error('boom'))))).rejects.toThrow(
      'boom',
    );
    expect(context.current()).toBeUndefined();
    await context.scope(() => context.run('B', async () => expect(context.current()).toBe('B')));
  });
});
