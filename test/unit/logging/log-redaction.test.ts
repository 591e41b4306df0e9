import { describe, expect, it } from 'vitest';
import { maskSecrets, maskSecretsInText } from '../../../src/log-redaction.js';

describe(maskSecrets.name, () => {
  it('masks tokens in Discord webhook and interaction URLs, keeping the ids', () => {
    expect(maskSecretsInText('POST https://discord.com/api/v10/webhooks/123/abc-DEF_ghi?wait=true')).toBe(
      'POST https://discord.com/api/v10/webhooks/123/[redacted]?wait=true',
    );
    expect(maskSecretsInText('/api/v10/interactions/99/aW50ZXJhY3Rpb24.x/callback')).toBe(
      '/api/v10/interactions/99/[redacted]/callback',
    );
  });

  it('masks credentials in URLs and authorization header values', () => {
    expect(maskSecretsInText('mongodb://app:s3cret@db1,db2/noi?replicaSet=rs0')).toBe(
      'mongodb://[redacted]@db1,db2/noi?replicaSet=rs0',
    );
    expect(maskSecretsInText('sent Authorization: Bot MTIzNDU2Nzg5.abc.def')).toBe(
      'sent Authorization: Bot [redacted]',
    );
  });

  it('turns errors into plain objects without their request body and with masked strings', () => {
    const error = Object.assign(new Error('Unknown Webhook'), {
      url: 'https://discord.com/api/v10/webhooks/1/tok3n',
      requestBody: { json: { content: 'customer@example.com' } },
    });
    const masked = maskSecrets({ err: error, nested: [{ url: 'https://x/webhooks/2/other' }] });
    expect(JSON.stringify(masked)).not.toMatch(/tok3n|other|customer@example\.com|requestBody/);
    expect(masked).toMatchObject({
      err: { message: 'Unknown Webhook', url: expect.stringContaining('/1/[redacted]') },
    });
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(maskSecrets(a)).toEqual({ name: 'a', self: '[…]' });
  });
});
