import type { Command } from 'commander';
import { issueDevToken } from '../../graphql/auth/jwt.signer.js';
import { AUTH_ROLES } from '../../graphql/auth/jwt.verifier.js';
import type { CliContext } from '../cli-context.js';

/** `npm run cli -- token --email a@example.com --roles support`: a development bearer token. */
export function registerTokenCommand(program: Command, ctx: CliContext): void {
  program
    .command('token')
    .description('print a signed development JWT for the GraphQL API (refused in production)')
    .option('--email <email>', 'email claim (required unless --roles service)')
    .option('--roles <roles>', `comma-separated: ${AUTH_ROLES.join(', ')}`, 'user')
    .option('--sub <subject>', 'subject claim (default: dev|<email>)')
    .option('--ttl <span>', 'lifetime like 30m, 1h, 7d', '1h')
    .action(async (options: { email?: string; roles: string; sub?: string; ttl: string }) => {
      const issued = await issueDevToken(ctx.config(), options);
      ctx.print(
        { ...issued, ttl: options.ttl },
        `${issued.token}\n\n# Authorization: Bearer <token>  (sub ${issued.subject}, roles ${issued.roles.join(',')}, expires in ${options.ttl})`,
      );
    });
}
