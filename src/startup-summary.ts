import type { Config } from './config.js';

export interface RoleLine {
  role: 'api' | 'bot' | 'jobs' | 'alerts';
  status: 'running' | 'skipped' | 'partial';
  message: string;
}

export interface SummaryFacts {
  url: string;
  jobs: readonly string[];
}

/**
 * One line per role at start-up saying whether it really runs and, when not, why: an operator
 * must see at once that a missing DISCORD_TOKEN means no bot or a missing Stripe key no reconcile.
 */
export function startupSummary(config: Config, facts: SummaryFacts): RoleLine[] {
  const roles = config.PROCESS_ROLES;
  const notHere = (role: RoleLine['role']): RoleLine => ({
    role,
    status: 'skipped',
    message: `role ${role}: skipped (not in PROCESS_ROLES=${roles.join(',')})`,
  });
  const lines: RoleLine[] = [];

  lines.push(
    roles.includes('api')
      ? { role: 'api', status: 'running', message: `role api: running on ${facts.url}` }
      : notHere('api'),
  );

  if (!roles.includes('bot')) lines.push(notHere('bot'));
  else if (config.DISCORD_TOKEN)
    lines.push({ role: 'bot', status: 'running', message: 'role bot: running (Discord gateway)' });
  else if (config.DISCORD_PUBLIC_KEY && roles.includes('api'))
    lines.push({
      role: 'bot',
      status: 'partial',
      message: 'role bot: POST /discord/interactions only (DISCORD_TOKEN not set, so no gateway client)',
    });
  else lines.push({ role: 'bot', status: 'skipped', message: 'role bot: skipped (DISCORD_TOKEN not set)' });

  if (!roles.includes('jobs')) lines.push(notHere('jobs'));
  else {
    const off = config.STRIPE_SECRET_KEY ? '' : '; reconcile-stripe off: STRIPE_SECRET_KEY not set';
    lines.push({ role: 'jobs', status: 'running', message: `role jobs: running ${facts.jobs.join(', ')}${off}` });
  }

  const sinks = [
    config.DISCORD_ALERT_WEBHOOK_URL && 'Discord webhook',
    config.DISCORD_ALERT_CHANNEL_ID && 'Discord channel',
  ];
  const chat = sinks.filter(Boolean).join(' + ');
  lines.push({
    role: 'alerts',
    status: chat ? 'running' : 'partial',
    message: chat
      ? `alerts: log + ${chat}`
      : 'alerts: log only (set DISCORD_ALERT_WEBHOOK_URL or DISCORD_ALERT_CHANNEL_ID to reach on-call)',
  });
  return lines;
}
