import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const frameworks = [
  'mongoose',
  'mongodb',
  'express',
  'discord.js',
  '@discordjs/*',
  'stripe',
  'openai',
  'node-cron',
  '@apollo/server',
  'type-graphql',
  'graphql',
  'pino',
  'bson',
];

export default tseslint.config(
  { ignores: ['dist/**', 'console/dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // docs/ARCHITECTURE.md: the domain defines ports; adapters live outside it.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: frameworks,
              message: 'src/domain stays free of frameworks: define a port and plug the adapter in main.ts.',
            },
            {
              group: ['**/store/**', '**/graphql/**', '**/bot/**', '**/jobs/**', '**/cli/**', '**/http/**'],
              message: 'the domain does not depend on edges or adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only src/config.ts reads the environment.
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration from src/config.ts' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
