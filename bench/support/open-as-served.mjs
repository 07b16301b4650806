// A CA opened as `certexit serve` runs it, for the benches of delivery: background delivery, the exit modules of the
// file at `modulesUrl` on the exit-module thread, and each delivery's outcome handed to `onDelivered`.
import { CertificateAuthority } from '../../packages/engine/dist/index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/** Opens the CA folder `dir` with delivery in the background and its modules on the exit-module thread. */
export function openAsServed(dir, modulesUrl, onDelivered) {
  return CertificateAuthority.open({
    dir,
    logger: silent,
    delivery: 'background',
    exitModuleThread: { builtins: modulesUrl },
    onDelivered,
  });
}
