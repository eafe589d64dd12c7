/** The platform's declaration files, fed to the editor's TypeScript service. */
export { PLATFORM_TYPES } from '../../runner/index.ts';
