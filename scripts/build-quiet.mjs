// Builds both packages the way `pnpm run build` does (each package's tsdown.config.ts), printing errors only: the demo
// runs this so its own lines come first. tsdown's programmatic API with logLevel 'error' drops the build report and
// rolldown's plugin-timing warnings; its CLI also warns that Node.js 20 is deprecated for tsdown itself (not for these
// packages, which support Node.js 20.19+), which the API does not. A failed build still prints its error and exits 1.
import { fileURLToPath } from 'node:url';
import { build } from 'tsdown';

const PACKAGES = ['core', 'redis'];
/** `--out-dir <dir>` builds into `<dir>/<package>` instead of each package's dist/ (the tests use it). */
const outDirFlag = process.argv.indexOf('--out-dir');
const outRoot = outDirFlag === -1 ? undefined : process.argv[outDirFlag + 1];

try {
  for (const name of PACKAGES) {
    const cwd = fileURLToPath(new URL(`../packages/${name}/`, import.meta.url));
    const outDir = outRoot === undefined ? {} : { outDir: `${outRoot}/${name}` };
    await build({ cwd, config: `${cwd}tsdown.config.ts`, logLevel: 'error', ...outDir });
  }
} catch (error) {
  console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
