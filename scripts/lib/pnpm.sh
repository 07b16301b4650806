# Sourced by the project's scripts from the repository root: defines `pnpm_cmd`, which runs exactly the pnpm that
# package.json's "packageManager" pins, whether a pnpm is installed globally (of any version) or not.
#
# A global pnpm is used only when, run here, it reports the pinned version: it is that version, or it switched to it
# itself (manage-package-manager-versions). Otherwise npx runs the pinned version: a global pnpm of another 10.x can
# refuse to switch (pnpm 10.34.9 refuses a pinned release whose registry signature it cannot verify), and corepack
# fails on some machines (signature errors). npx puts the pinned pnpm first on PATH, so the `pnpm` that package
# scripts (ci:version) and turbo call is the pinned one too.
# The version, without a "+sha512..." integrity suffix if packageManager has one.
PNPM_VERSION=$(sed -n 's/^ *"packageManager": *"pnpm@\([0-9][0-9A-Za-z.-]*\)[^"]*".*$/\1/p' package.json 2>/dev/null)
if [ -z "$PNPM_VERSION" ]; then
  echo 'scripts/lib/pnpm.sh: no "packageManager": "pnpm@<version>" in ./package.json (source it from the repository root)' >&2
  return 1 2>/dev/null || exit 1
fi
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
  pnpm_cmd() { pnpm "$@"; }
else
  pnpm_cmd() { npx -y "pnpm@$PNPM_VERSION" "$@"; }
fi
