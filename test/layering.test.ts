/**
 * Workspace layering: every file of a package — sources and tests — imports only the `@slotmatch/*`
 * packages its package.json declares (dependencies, devDependencies, peerDependencies), so no test
 * leans on a workspace link to a package above it (npm workspaces link every package, so an
 * undeclared import still resolves inside the repo and would hide a dependency cycle). `core` is the
 * bottom layer and declares none. Tests spanning several packages live in the root `test/` folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './fixtures.js';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** `@slotmatch/<name>` package names imported (static, dynamic, re-export) by the files under `dir`. */
function slotmatchImports(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|mts|js|mjs)$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    if (/[\\/](node_modules|dist)[\\/]/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /(?:from\s*|import\s*\(\s*|import\s+)['"](@slotmatch\/[^/'"]+)[^'"]*['"]/g,
    )) {
      if (!found.has(m[1]!)) found.set(m[1]!, file.slice(repoRoot.length + 1));
    }
  }
  return found;
}

const packagesDir = join(repoRoot, 'packages');
const packages = readdirSync(packagesDir).filter((d) => existsSync(join(packagesDir, d, 'package.json')));

describe('workspace packages import only the @slotmatch packages they declare', () => {
  for (const dir of packages) {
    it(dir, () => {
      const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest;
      const declared = new Set([
        manifest.name,
        ...Object.keys({
          ...manifest.dependencies,
          ...manifest.devDependencies,
          ...manifest.peerDependencies,
        }),
      ]);
      const undeclared: string[] = [];
      for (const sub of ['src', 'test', 'bench']) {
        if (!existsSync(join(packagesDir, dir, sub))) continue;
        for (const [name, file] of slotmatchImports(join(packagesDir, dir, sub))) {
          if (!declared.has(name)) undeclared.push(`${file} imports ${name}`);
        }
      }
      expect(undeclared).toEqual([]);
    });
  }

  it('core, the bottom layer, declares no @slotmatch package', () => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, 'core', 'package.json'), 'utf8')) as Manifest;
    const all = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
    expect(Object.keys(all).filter((n) => n.startsWith('@slotmatch/'))).toEqual([]);
  });
});
