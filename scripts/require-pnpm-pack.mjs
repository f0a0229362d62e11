// prepack of packages whose dependencies use pnpm's workspace: protocol. `npm pack` copies "workspace:^" into the
// tarball as it is, and npm then cannot install it (EUNSUPPORTEDPROTOCOL, reported only as "npm error"); pnpm pack
// replaces it with the version. Stop npm pack with one line saying what to run instead.
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  console.error('Pack this package with `npx -y pnpm@10.34.8 pack`: npm pack would ship "workspace:^" dependencies that npm cannot install.');
  process.exit(1);
}
