import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, EXIT_STATUS_HELP, exitFor } from '../../../src/cli/exit-codes.js';
import { buildProgram } from '../../../src/cli/main.js';
import type { CliContext } from '../../../src/cli/cli-context.js';
import { DomainError, ERROR_CODES } from '../../../src/domain/errors.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

describe('CLI exit status', () => {
  it('gives every domain error code its documented status', () => {
    for (const code of ERROR_CODES) {
      const { status, message } = exitFor(new DomainError(code, 'why'));
      expect(status).toBe(EXIT_CODES[code]);
      expect(message).toBe(`error [${code}]: why`);
      expect(EXIT_STATUS_HELP).toMatch(new RegExp(`^\\s+${status}\\s.*\\b${code}\\b`, 'm'));
      expect(readme).toMatch(new RegExp(`^\\| ${status} .*\`${code}\``, 'm'));
    }
  });

  it('treats an unexpected error as internal and a usage error as bad input; --help is success', () => {
    expect(exitFor(new TypeError('bug'))).toEqual({ status: 7, message: 'error [INTERNAL]: bug' });
    expect(exitFor(new CommanderError(1, 'commander.unknownCommand', 'unknown command')).status).toBe(3);
    expect(exitFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')).status).toBe(0);
  });

  it('prints the exit status table in --help', () => {
    let out = '';
    const program = buildProgram({} as CliContext).configureOutput({ writeOut: (s) => (out += s) });
    expect(() => program.parse(['--help'], { from: 'user' })).toThrow(CommanderError);
    expect(out).toContain(EXIT_STATUS_HELP);
  });
});
