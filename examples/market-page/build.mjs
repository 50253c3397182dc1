// Bundles the sample page into dist/ with esbuild: app.js (React, the
// room component and the SDK), page.css (the site's styles with
// @pnl-voice/react's stylesheet) and index.html.

import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');

/**
 * One copy of React: @pnl-voice/react is linked from clients/react, whose
 * own node_modules has a React for its tests; every `react`/`react-dom`
 * import resolves from this page instead, as a published package would.
 */
const oneReact = {
  name: 'one-react',
  setup(bundler) {
    bundler.onResolve({ filter: /^react(-dom)?(\/.*)?$/ }, (args) =>
      args.pluginData === 'from-page'
        ? undefined
        : bundler.resolve(args.path, { kind: args.kind, resolveDir: here, pluginData: 'from-page' }),
    );
  },
};

mkdirSync(dist, { recursive: true });
await build({
  absWorkingDir: here,
  entryPoints: { app: 'src/main.tsx', page: 'src/page.css' },
  outdir: dist,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [oneReact],
  logLevel: 'warning',
});
copyFileSync(path.join(here, 'index.html'), path.join(dist, 'index.html'));
console.log(`built ${path.relative(process.cwd(), dist) || '.'}/ (index.html, app.js, page.css)`);
