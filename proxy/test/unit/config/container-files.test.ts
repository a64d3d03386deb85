import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLUSTER_SCHEMAS } from '../../../src/config/cluster-schemas.js';
import { BOOTSTRAP_SCHEMAS, LISTENER_SCHEMAS } from '../../../src/config/field-schemas.js';
import { ROUTE_SCHEMAS } from '../../../src/config/route-schemas.js';

/** The proxy package folder: the image's build context. */
const PACKAGE = fileURLToPath(new URL('../../../', import.meta.url));
const readPackageFile = (path: string): string => readFileSync(`${PACKAGE}${path}`, 'utf8');

interface PackageManifest {
  readonly dependencies: Readonly<Record<string, string>>;
  readonly bin: Readonly<Record<string, string>>;
  readonly scripts: Readonly<Record<string, string>>;
}

interface Instruction {
  readonly keyword: string;
  readonly args: readonly string[];
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function readInstructions(text: string): Instruction[] {
  const logical = text
    .replaceAll(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return logical.map((line) => {
    const [keyword = '', ...args] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args };
  });
}

const DOCKERFILE = readInstructions(readPackageFile('Dockerfile'));
const COPIES = DOCKERFILE.filter((instruction) => instruction.keyword === 'COPY');
const MANIFEST = JSON.parse(readPackageFile('package.json')) as PackageManifest;
const INCLUDED = readPackageFile('.dockerignore')
  .split('\n')
  .filter((line) => line.startsWith('!'))
  .map((line) => line.slice(1).replace(/\/$/, ''));

function sourcesOf(copy: Instruction): string[] {
  return copy.args.filter((arg) => !arg.startsWith('--')).slice(0, -1);
}

describe('proxy/Dockerfile', () => {
  const contextCopies = COPIES.filter((copy) => !copy.args.some((arg) => arg.startsWith('--from=')));
  const contextSources = contextCopies.flatMap(sourcesOf);

  it('copies only files of the proxy package', () => {
    expect(contextSources.length).toBeGreaterThan(5);
    for (const source of contextSources) expect(existsSync(`${PACKAGE}${source}`), source).toBe(true);
  });

  it('copies only files the package publishes, so an installed package can build the image', () => {
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: PACKAGE,
      encoding: 'utf8',
    });
    expect(pack.status, pack.stderr).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as [{ files: { path: string }[] }];
    const published = packed.files.map((file) => file.path);
    for (const source of [...contextSources, 'Dockerfile', '.dockerignore']) {
      const isPublished = published.some((path) => path === source || path.startsWith(`${source}/`));
      expect(isPublished, source).toBe(true);
    }
  }, 60_000);

  it('copies only files its .dockerignore lets into the build context', () => {
    for (const source of contextSources) {
      const isIncluded = INCLUDED.some((entry) => source === entry || source.startsWith(`${entry}/`));
      expect(isIncluded, source).toBe(true);
    }
  });

  it('takes from the build stage only what the build produces', () => {
    const fromBuild = COPIES.filter((copy) => copy.args.includes('--from=build')).flatMap(sourcesOf);
    expect(fromBuild).toEqual(['/app/package.json', '/app/node_modules', '/app/dist']);
    expect(Object.keys(MANIFEST.dependencies)).toEqual(['yaml']);
    expect(MANIFEST.scripts.build).toBeDefined();
    expect(MANIFEST.bin['lbbench-proxy']).toBe('dist/main.js');
    expect(existsSync(`${PACKAGE}src/main.ts`)).toBe(true);
    expect(readPackageFile('Dockerfile')).toContain('npm prune --omit=dev');
  });

  it('starts the entrypoint it copies, which runs the compiled proxy', () => {
    const entrypoint = DOCKERFILE.find((instruction) => instruction.keyword === 'ENTRYPOINT');
    expect(entrypoint?.args.join(' ')).toBe('["/usr/bin/tini", "--", "/docker-entrypoint.sh"]');
    expect(contextCopies.map((copy) => copy.args.join(' '))).toContain(
      'docker-entrypoint.sh /docker-entrypoint.sh',
    );
    expect(contextCopies.map((copy) => copy.args.join(' '))).toContain(
      'envoy.yaml.tmpl envoy-v3.yaml.tmpl /tmpl/',
    );
    expect(readPackageFile('Dockerfile')).toContain('exec node /app/dist/main.js "$@"');
    expect(readPackageFile('docker-entrypoint.sh')).toContain(
      'template="${ENVOY_TEMPLATE:-/tmpl/envoy.yaml.tmpl}"',
    );
  });

  it('runs as a numeric non-root user and exposes traffic and admin ports', () => {
    const user = DOCKERFILE.filter((instruction) => instruction.keyword === 'USER').at(-1);
    expect(user?.args).toEqual(['1000:1000']);
    expect(DOCKERFILE.find((instruction) => instruction.keyword === 'EXPOSE')?.args).toEqual(['80', '9901']);
    expect(
      DOCKERFILE.filter((instruction) => instruction.keyword === 'FROM').map((from) => from.args[0]),
    ).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
  });
});

describe('proxy/docker-entrypoint.sh', () => {
  it('is executable and valid POSIX sh', () => {
    const path = `${PACKAGE}docker-entrypoint.sh`;
    expect(statSync(path).mode & 0o111).not.toBe(0);
    expect(readPackageFile('docker-entrypoint.sh').startsWith('#!/bin/sh\n')).toBe(true);
    const check = spawnSync('sh', ['-n', path], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('proxy/README.md', () => {
  const readme = readPackageFile('README.md');
  const schemas = [BOOTSTRAP_SCHEMAS, LISTENER_SCHEMAS, ROUTE_SCHEMAS, CLUSTER_SCHEMAS].flatMap((group) =>
    Object.values(group),
  );

  it('documents every accepted-but-ignored field', () => {
    const undocumented = schemas
      .flatMap((schema) => schema.ignored)
      .filter((field) => !readme.includes(`\`${field}\``));
    expect(undocumented).toEqual([]);
  });

  it('documents every supported field', () => {
    const fields = schemas.flatMap((schema) => schema.supported).filter((field) => field !== '@type');
    const undocumented = fields.filter((field) => !readme.includes(field));
    expect(undocumented).toEqual([]);
  });
});
