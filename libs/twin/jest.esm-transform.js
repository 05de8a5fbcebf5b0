// jose, openid-client and oauth4webapi ship as ES modules only, and Jest on Node 20 cannot require(esm):
// esbuild rewrites those files to CommonJS for the test run (the twin itself runs them natively).
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { format: 'cjs', loader: 'js', target: 'node20', sourcefile: filename, sourcemap: 'external', logLevel: 'silent' });
    return { code, map };
  },
};
