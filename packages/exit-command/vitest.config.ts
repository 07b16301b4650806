import { certexitProject } from '../../tooling/vitest/project';

export default certexitProject(import.meta.url);
