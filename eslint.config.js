// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import n from 'eslint-plugin-n';

/**
 * The package boundary between the harness (src/, bench/, test/) and lbbench-proxy (proxy/): each side
 * imports the other only by package name and entry, never by path. Specifiers are matched as written.
 */
const DEEP_PROXY_IMPORT = {
  regex: '^lbbench-proxy/',
  message: 'Import lbbench-proxy only through its entry: `lbbench-proxy`.',
};
const HARNESS_RULES = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        DEEP_PROXY_IMPORT,
        {
          regex: '^\\.{1,2}/(\\.\\./)*proxy(/|$)',
          message: 'The harness imports the proxy package only through its entry: `lbbench-proxy`.',
        },
      ],
    },
  ],
};
/** Rules for files `depth` folders below the proxy package's src/ or test/: no path may climb out of proxy/. */
function proxyRules(depth) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: [{ name: 'lbbench', message: 'lbbench-proxy never imports the harness.' }],
        patterns: [
          DEEP_PROXY_IMPORT,
          { regex: '^lbbench/', message: 'lbbench-proxy never imports the harness.' },
          {
            regex: `^(\\.\\./){${depth + 2},}`,
            message:
              'lbbench-proxy never imports from outside its own folder (the harness is src/, bench/, test/).',
          },
        ],
      },
    ],
  };
}
const PROXY_PACKAGE_DEPTHS = [0, 1, 2, 3, 4];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'reports/**', 'coverage/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { n },
    rules: {
      'n/no-process-exit': 'error',
      'no-console': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    // The proxy's integration tests drive it with harness tools and reach into its internals (docs/architecture.md).
    ignores: ['test/integration/proxy/**'],
    rules: HARNESS_RULES,
  },
  ...PROXY_PACKAGE_DEPTHS.map((depth) => ({
    files: [`proxy/src/${'*/'.repeat(depth)}*.ts`, `proxy/test/${'*/'.repeat(depth)}*.ts`],
    rules: proxyRules(depth),
  })),
  {
    files: ['src/cli/**', 'proxy/src/main.ts', 'bench/**', 'test/fixtures/**'],
    rules: { 'no-console': 'off', 'n/no-process-exit': 'off' },
  },
  {
    // Plain JavaScript fixtures loaded by Node directly (module hooks): no type information to lint with.
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', URL: 'readonly' },
    },
  },
  {
    files: ['test/**', 'proxy/test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
