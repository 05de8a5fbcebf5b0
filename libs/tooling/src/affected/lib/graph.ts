import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';

/** The part of Nx's project graph this module reads. */
export interface GraphLike {
  readonly nodes: Readonly<Record<string, { readonly data: { readonly root: string; readonly tags?: readonly string[]; readonly implicitDependencies?: readonly string[] } }>>;
  readonly dependencies: Readonly<Record<string, ReadonlyArray<{ readonly source: string; readonly target: string; readonly type: string }>>>;
}

/** Environment apps: `type:app` projects tagged `scope:<their own name>` (apps/dev is `scope:dev`). */
export function environmentApps(graph: GraphLike): string[] {
  return Object.entries(graph.nodes)
    .filter(([name, node]) => (node.data.tags ?? []).includes('type:app') && (node.data.tags ?? []).includes(`scope:${name}`))
    .map(([name]) => name)
    .sort();
}

const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'cdktf.out', 'coverage', '.nx', 'tmp']);
// import/export ... from '<spec>', import '<spec>', import('<spec>'), require('<spec>'); comments are stripped first.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...sourceFiles(join(dir, entry.name)));
    } else if (SOURCE.test(entry.name)) {
      out.push(join(dir, entry.name));
    }
  }
  return out;
}

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/**
 * Which workspace projects each project imports, read from the source files themselves (independently of Nx):
 * an import of an alias from tsconfig.base.json `paths` (or a deep path below it) is an edge to the project
 * whose root holds the alias target.
 */
export function importEdges(workspaceRoot: string, graph: GraphLike): Map<string, Set<string>> {
  const tsconfig = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as { compilerOptions?: { paths?: Record<string, string[]> } };
  const roots = Object.entries(graph.nodes).map(([name, node]) => ({ name, root: node.data.root }));
  const ownerOf = (file: string) =>
    roots
      .filter((r) => file === r.root || file.startsWith(`${r.root}/`))
      .sort((a, b) => b.root.length - a.root.length)[0]?.name;
  const aliases = new Map<string, string>();
  for (const [alias, targets] of Object.entries(tsconfig.compilerOptions?.paths ?? {})) {
    const owner = targets[0] ? ownerOf(posix.normalize(targets[0]).replace(/^\.\//, '')) : undefined;
    if (owner) aliases.set(alias.replace(/\/\*$/, ''), owner);
  }
  const edges = new Map<string, Set<string>>();
  for (const { name, root } of roots) {
    const deps = new Set<string>();
    for (const file of sourceFiles(join(workspaceRoot, root))) {
      for (const m of stripComments(readFileSync(file, 'utf8')).matchAll(IMPORT)) {
        const spec = m[1];
        const alias = [...aliases.keys()].find((a) => spec === a || spec.startsWith(`${a}/`));
        const target = alias ? aliases.get(alias) : undefined;
        if (target && target !== name) deps.add(target);
      }
    }
    edges.set(name, deps);
  }
  return edges;
}

/** Projects whose dependency closure (over `edges`) contains `project`, plus `project` itself. */
export function dependentsOf(project: string, edges: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
  const out = new Set([project]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [source, targets] of edges) {
      if (!out.has(source) && [...targets].some((t) => out.has(t))) {
        out.add(source);
        grew = true;
      }
    }
  }
  return out;
}

/** `implicitDependencies` declared in the projects' configuration, as edges. */
export function implicitEdges(graph: GraphLike): Map<string, Set<string>> {
  return new Map(Object.entries(graph.nodes).map(([name, node]) => [name, new Set((node.data.implicitDependencies ?? []).filter((d) => !d.startsWith('!')))]));
}

export function mergeEdges(...maps: ReadonlyArray<ReadonlyMap<string, ReadonlySet<string>>>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of maps) for (const [k, v] of m) out.set(k, new Set([...(out.get(k) ?? []), ...v]));
  return out;
}
