import newman from 'newman';

export interface PostmanSummary {
  readonly requests: number;
  readonly assertions: number;
  readonly failures: readonly string[];
}

/** Runs a committed Postman collection with newman, the variables given, and no reporter output but the CLI one. */
export function runPostmanCollection(collection: string, variables: Record<string, string>): Promise<PostmanSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection,
        envVar: Object.entries(variables).map(([key, value]) => ({ key, value })),
        reporters: ['cli'],
        reporter: { cli: { noSummary: false, noBanner: true } },
        timeoutRequest: 30_000,
        // Against a twin over HTTPS: its CA, as `newman run --ssl-extra-ca-certs` would take it.
        ...(process.env['E2E_CA_FILE'] ? { sslExtraCaCerts: process.env['E2E_CA_FILE'] } : {}),
      },
      (err, summary) => {
        if (err) return reject(err);
        const failures = summary.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error?.message ?? String(f.error)}`);
        resolve({ requests: summary.run.stats.requests.total ?? 0, assertions: summary.run.stats.assertions.total ?? 0, failures });
      },
    );
  });
}
