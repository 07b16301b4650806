/**
 * @certexit/exit-command: runs a configured program per exit event (`CertExit_Command.Exit`).
 * @packageDocumentation
 */
export {
  COMMAND_DEFAULT_EVENT_MASK,
  COMMAND_DEFAULT_PATH,
  COMMAND_DESCRIPTION,
  COMMAND_PROGID,
  EX_TEMPFAIL,
} from './command-constants';
export type { CommandSettings } from './command-settings';
export { commandSettings } from './command-settings';
export type { CommandExitModuleOptions } from './create-command-exit-module';
export { createCommandExitModule, createCommandExitModule as default } from './create-command-exit-module';
export type { ExitCodePolicy } from './exit-code-outcome';
export { exitCodeOutcome } from './exit-code-outcome';
export type { CommandEvent, CommandEventDocument } from './read-command-event';
export { readCommandEvent } from './read-command-event';
export type { ProgramOutput, ProgramResult, RunProgramOptions } from './run-program';
export { runProgram } from './run-program';
