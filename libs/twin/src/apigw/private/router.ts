import type { MethodModel, ResourceModel } from './model';

/** The resource a request path selected, with its path variables (decoded, as API Gateway passes them). */
export interface ResourceMatch {
  readonly resource: ResourceModel;
  readonly params: Readonly<Record<string, string>>;
}

interface ChildIndex {
  readonly statics: Map<string, ResourceModel>;
  readonly variable?: { name: string; node: ResourceModel };
  readonly greedy?: { name: string; node: ResourceModel };
}

const indexes = new WeakMap<ResourceModel, ChildIndex>();

function indexOf(node: ResourceModel): ChildIndex {
  let index = indexes.get(node);
  if (!index) {
    const statics = new Map<string, ResourceModel>();
    let variable: ChildIndex['variable'];
    let greedy: ChildIndex['greedy'];
    for (const child of node.children) {
      const m = /^\{(.+?)(\+)?\}$/.exec(child.pathPart);
      if (!m) statics.set(child.pathPart, child);
      else if (m[2]) greedy = { name: m[1], node: child };
      else variable = { name: m[1], node: child };
    }
    index = { statics, variable, greedy };
    indexes.set(node, index);
  }
  return index;
}

/**
 * Splits the path after the stage into segments. Empty segments (a trailing or doubled slash) carry no resource,
 * as on API Gateway. Segments are percent-decoded; one that does not decode is kept as sent.
 */
export function pathSegments(path: string): string[] {
  const out: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    if (!raw.includes('%')) {
      out.push(raw);
      continue;
    }
    let seg = raw;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      seg = raw;
    }
    out.push(seg);
  }
  return out;
}

/**
 * Finds the resource for `segments` with API Gateway's precedence at each level: a static segment beats a path
 * variable, which beats a greedy variable (`{proxy+}`, one or more segments). When a more specific branch cannot
 * consume the rest of the path, the next one is tried. The method is chosen afterwards, on the resource found.
 */
export function matchResource(root: ResourceModel, segments: readonly string[]): ResourceMatch | undefined {
  const params: Record<string, string> = {};
  const found = walk(root, segments, 0, params);
  return found ? { resource: found, params } : undefined;
}

function walk(node: ResourceModel, segments: readonly string[], at: number, params: Record<string, string>): ResourceModel | undefined {
  if (at === segments.length) return node;
  const index = indexOf(node);
  const seg = segments[at];
  const exact = index.statics.get(seg);
  if (exact) {
    const hit = walk(exact, segments, at + 1, params);
    if (hit) return hit;
  }
  if (index.variable) {
    const hit = walk(index.variable.node, segments, at + 1, params);
    if (hit) {
      params[index.variable.name] = seg;
      return hit;
    }
  }
  if (index.greedy) {
    params[index.greedy.name] = segments.slice(at).join('/');
    return index.greedy.node;
  }
  return undefined;
}

/** The method for an HTTP verb on a resource: the verb itself, else ANY. */
export function methodFor(resource: ResourceModel, httpMethod: string): MethodModel | undefined {
  return resource.methods.get(httpMethod) ?? resource.methods.get('ANY');
}
