import type { GraphLike } from './graph';

type NxProjectGraph = GraphLike;

type FileChange = unknown;

interface AffectedModule {
  filterAffected(graph: NxProjectGraph, touchedFiles: FileChange[]): Promise<{ nodes: Record<string, unknown> }>;
}
interface FileUtilsModule {
  calculateFileChanges(files: string[], nxArgs?: Record<string, unknown>): FileChange[];
}

// The two functions `nx affected` and `nx show projects --affected --files` call: calculateFileChanges applies
// .nxignore, filterAffected maps files to projects and walks the reverse dependencies. Nx exports them under
// `nx/src/*` but not in its typings, hence the untyped import by a computed specifier.
const AFFECTED = 'nx/src/project-graph/affected/affected-project-graph';
const FILE_UTILS = 'nx/src/project-graph/file-utils';

async function load<T>(specifier: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (e) {
    throw new Error(`cannot load ${specifier} from the installed nx (${(e as Error).message}); it moved in this Nx version: update libs/tooling/src/affected/lib/nx.ts`);
  }
}

/** The workspace's real project graph, computed without the Nx daemon. */
export async function projectGraph(): Promise<NxProjectGraph> {
  process.env['NX_DAEMON'] = 'false';
  const devkit = await load<{ createProjectGraphAsync(opts?: { exitOnError?: boolean }): Promise<NxProjectGraph> }>('@nx/devkit');
  return devkit.createProjectGraphAsync({ exitOnError: false });
}

/** The projects Nx marks as affected when `files` (workspace-relative) change, exactly as `nx affected` does. */
export async function affectedProjects(graph: NxProjectGraph, files: string[]): Promise<string[]> {
  const [{ filterAffected }, { calculateFileChanges }] = await Promise.all([load<AffectedModule>(AFFECTED), load<FileUtilsModule>(FILE_UTILS)]);
  const affected = await filterAffected(graph, calculateFileChanges(files, { files }));
  return Object.keys(affected.nodes).sort();
}
