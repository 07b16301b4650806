# Sourced by the project's scripts: gives them `pnpm` 10 on a machine that has only Node and npm.
# corepack fails on some machines (signature errors), so fall back to npx with a pinned version.
PNPM_VERSION=10.34.8
if command -v pnpm >/dev/null 2>&1 && pnpm --version 2>/dev/null | grep -q '^10\.'; then
  pnpm_cmd() { pnpm "$@"; }
else
  pnpm_cmd() { npx -y "pnpm@$PNPM_VERSION" "$@"; }
fi
