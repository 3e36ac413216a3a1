/**
 * Test-only: which Node built-ins a browser bundle of a module would link. The module is bundled with
 * rolldown (the bundler of the repo's tsdown) under the given export conditions — for platform
 * `browser` when they include `browser`, else for platform `neutral` (rolldown's `browser` platform
 * adds the `browser` condition by itself); every import in the module graph (static or dynamic) that names a Node built-in
 * (`node:zlib`, `fs`, … as `node:module`'s `isBuiltin` decides) is recorded with its importer and
 * kept out of the bundle, and bare specifiers outside `@slotmatch/*` (third-party packages) stay
 * external and are listed, so the check covers exactly the repo's own code.
 */
import { isBuiltin } from 'node:module';
import { relative } from 'node:path';
import { Rolldown } from 'tsdown';
import { repoRoot } from './fixtures.js';

/** Export conditions a browser bundler such as Vite uses, with the repo's source condition first. */
export const browserConditions: readonly string[] = [
  '@slotmatch/source',
  'browser',
  'module',
  'import',
  'default',
];

/** The same without `browser`: a bundler (or a Node-targeted tool) that knows no browser condition. */
export const plainConditions: readonly string[] = ['@slotmatch/source', 'import', 'default'];

export interface BrowserGraph {
  /** `importer → specifier` for every Node built-in the graph imports (importer relative to the repo). */
  readonly nodeBuiltins: string[];
  /** Third-party packages the graph imports (left external). */
  readonly externalPackages: string[];
  /** Files of the repo in the graph, relative to the repo. */
  readonly modules: string[];
}

/** Bundle `entry` (a file or package specifier) for the browser under `conditions` and report its graph. */
export async function browserGraph(entry: string, conditions: readonly string[]): Promise<BrowserGraph> {
  const nodeBuiltins = new Set<string>();
  const externalPackages = new Set<string>();
  const modules = new Set<string>();
  const rel = (id: string | undefined) => (id ? relative(repoRoot, id) : '<entry>');
  const bundle = await Rolldown.rolldown({
    input: entry,
    platform: conditions.includes('browser') ? 'browser' : 'neutral',
    cwd: repoRoot,
    logLevel: 'silent',
    resolve: { conditionNames: [...conditions] },
    plugins: [
      {
        name: 'record-node-builtins',
        resolveId(source, importer) {
          if (isBuiltin(source)) {
            nodeBuiltins.add(`${rel(importer)} → ${source}`);
            return { id: source, external: true };
          }
          if (importer && !/^[./]/.test(source) && !source.startsWith('@slotmatch/')) {
            externalPackages.add(
              source.startsWith('@') ? source.split('/').slice(0, 2).join('/') : source.split('/')[0]!,
            );
            return { id: source, external: true };
          }
          return null;
        },
        load(id) {
          modules.add(rel(id));
          return null;
        },
      },
    ],
  });
  try {
    await bundle.generate({ format: 'esm' });
  } finally {
    await bundle.close();
  }
  return {
    nodeBuiltins: [...nodeBuiltins].sort(),
    externalPackages: [...externalPackages].sort(),
    modules: [...modules].sort(),
  };
}
