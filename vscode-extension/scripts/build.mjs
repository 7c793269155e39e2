// Bundle the extension with esbuild into dist/extension.js: one file holding every runtime
// dependency, `vscode` left to the host. `--production` minifies without source maps (what the
// .vsix ships); the default build adds source maps for debugging; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const context = await esbuild.context({
    entryPoints: ['src/extension.ts'],
    bundle: true,
    outfile: 'dist/extension.js',
    external: ['vscode'],
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
});
if (watch) {
    await context.watch();
} else {
    await context.rebuild();
    await context.dispose();
}
