import { resolve } from 'node:path';
import { dependentsOf, environmentApps, implicitEdges, importEdges, mergeEdges } from './lib/graph';
import type { GraphLike } from './lib/graph';
import { affectedProjects, projectGraph } from './lib/nx';

// The real workspace graph, and the expectations derived from the source files' own imports: `nx affected` must
// mark exactly the projects that import a changed library (directly or through another library), plus those that
// declare an implicit dependency on one of them; a docs-only change marks nothing.
const workspaceRoot = resolve(__dirname, '../../../..');

describe('affected projects on the real project graph', () => {
  let graph: GraphLike;
  let imports: Map<string, Set<string>>;
  let edges: Map<string, Set<string>>;
  let envs: string[];
  let libs: string[];
  const affected = (file: string) => affectedProjects(graph, [file]);

  beforeAll(async () => {
    graph = await projectGraph();
    imports = importEdges(workspaceRoot, graph);
    edges = mergeEdges(imports, implicitEdges(graph));
    envs = environmentApps(graph);
    libs = Object.keys(graph.nodes)
      .filter((n) => graph.nodes[n].data.root.startsWith('libs/'))
      .sort();
  }, 60_000);

  it('finds the environment apps and the libraries', () => {
    expect(envs).toEqual(expect.arrayContaining(['dev', 'prod']));
    expect(envs).not.toContain('e2e');
    expect(envs).not.toContain('bootstrap');
    expect(libs).toEqual(expect.arrayContaining(['core', 'user-pool', 'rest-api', 'authorizer', 'tooling']));
    // The import scan is the independent side of every check below: it must see the apps' imports.
    for (const env of envs) expect(imports.get(env)?.size).toBeGreaterThan(0);
  });

  it('sees every import the sources make (no edge missing from the Nx graph)', () => {
    const missing: string[] = [];
    for (const [source, targets] of imports) {
      const nx = new Set((graph.dependencies[source] ?? []).map((d) => d.target));
      for (const t of targets) if (!nx.has(t)) missing.push(`${source} → ${t}`);
    }
    expect(missing).toEqual([]);
  });

  it('a change in each library marks exactly the projects that depend on it, and exactly the environments that import or bundle it', async () => {
    const problems: string[] = [];
    for (const lib of libs) {
      const file = `${graph.nodes[lib].data.root}/src/index.ts`;
      const actual = await affected(file);
      const expected = [...dependentsOf(lib, edges)].sort();
      if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${file}: nx marks [${actual}], the imports say [${expected}]`);
      // An environment imports a library, or bundles it by path (the handlers: an implicit dependency of the apps).
      const importing = [...dependentsOf(lib, mergeEdges(imports, implicitEdges(graph)))].filter((p) => envs.includes(p)).sort();
      const marked = actual.filter((p) => envs.includes(p));
      if (JSON.stringify(marked) !== JSON.stringify(importing)) problems.push(`${file}: environments marked [${marked}], importing [${importing}]`);
      if (marked.length > 0 && !actual.includes('e2e')) problems.push(`${file}: marks ${marked.join(', ')} but not e2e, which runs against them`);
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it('a user-pool change marks dev, prod and e2e, but not the state bootstrap', async () => {
    const actual = await affected('libs/user-pool/src/index.ts');
    expect(actual).toEqual(expect.arrayContaining(['user-pool', 'dev', 'prod', 'e2e']));
    expect(actual).not.toContain('bootstrap');
  });

  it('a change in one environment app marks that app (and e2e) only among the environments', async () => {
    const actual = await affected('apps/dev/src/index.ts');
    expect(actual.filter((p) => envs.includes(p))).toEqual(['dev']);
    expect(actual).toContain('e2e');
  });

  it("a twin change marks the Terraform runner that applies stacks to it and the e2e suite, and no environment (its stacks are what they were)", async () => {
    const actual = await affected('libs/twin/src/lambda/runtime.ts');
    expect(actual).toEqual(expect.arrayContaining(['twin', 'tooling', 'e2e']));
    expect(actual.filter((p) => envs.includes(p))).toEqual([]);
  });

  it('a change in the Terraform runner marks the e2e suite, which runs it by path', async () => {
    expect(await affected('libs/tooling/src/terraform/run.ts')).toEqual(expect.arrayContaining(['tooling', 'e2e']));
  });

  it.each(['README.md', 'docs/architecture.md', 'libs/user-pool/README.md', 'apps/dev/README.md'])('a docs-only change (%s) marks nothing', async (file) => {
    expect(await affected(file)).toEqual([]);
  });
});
