import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(pkg, '..', '..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Workspace packages by name → folder. */
const workspaces = new Map(
  readdirSync(join(repo, 'packages'))
    .filter((d) => existsSync(join(repo, 'packages', d, 'package.json')))
    .map((d) => [readManifest(join(repo, 'packages', d)).name, join(repo, 'packages', d)] as const),
);

/** Everything `npm install @slotmatch/metrics` would pull in: dependencies, peers and optionals, recursively. */
function installClosure(dir: string, seen = new Map<string, string>()): Map<string, string> {
  const m = readManifest(dir);
  for (const name of Object.keys({ ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies })) {
    if (seen.has(name)) continue;
    const where = workspaces.get(name) ?? join(repo, 'node_modules', name);
    seen.set(name, where);
    if (existsSync(join(where, 'package.json'))) installClosure(where, seen);
  }
  return seen;
}

/** Bare module specifiers imported by the JavaScript/TypeScript files under `dir` (tests excluded). */
function bareImports(dir: string, ext: RegExp): Set<string> {
  const found = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !ext.test(entry.name) || entry.name.includes('.test.')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      if (!m[1]!.startsWith('.')) found.add(m[1]!);
    }
  }
  return found;
}

describe('a metrics-only install does not pull in onnxruntime', () => {
  it('the dependency closure of @slotmatch/metrics is @slotmatch/core only', () => {
    const closure = installClosure(pkg);
    expect([...closure.keys()]).toEqual(['@slotmatch/core']);
    expect([...closure.keys()].filter((n) => /onnx/i.test(n))).toEqual([]);
  });

  it('metrics and core sources import only node: built-ins and @slotmatch/core', () => {
    const imports = new Set([
      ...bareImports(join(pkg, 'src'), /\.ts$/),
      ...bareImports(join(repo, 'packages', 'core', 'src'), /\.ts$/),
    ]);
    for (const spec of imports) expect(spec, spec).toMatch(/^(node:|@slotmatch\/core$)/);
  });

  it('the built dist imports only node: built-ins and @slotmatch/core', () => {
    if (!existsSync(join(pkg, 'dist', 'index.js')))
      execFileSync('npx', ['tsdown'], { cwd: pkg, stdio: 'ignore' });
    const imports = bareImports(join(pkg, 'dist'), /\.js$/);
    expect(imports.size).toBeGreaterThan(0);
    for (const spec of imports) expect(spec, spec).toMatch(/^(node:|@slotmatch\/core$)/);
  });
});
