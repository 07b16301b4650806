import type { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { bashCompletion, zshCompletion } from '../shell-completion';

/** `completion bash|zsh`: prints a completion script generated from the command tree. */
export function registerCompletionCommands(program: Command, cli: CliContext): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(certexit completion bash)", or for zsh "completion zsh"')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh')
        throw new Error(`completion: ${JSON.stringify(shell)} is not bash or zsh`);
      const script = shell === 'bash' ? bashCompletion(program) : zshCompletion(program);
      if (cli.json()) cli.print({ shell, script }, []);
      else cli.io.out(script.trimEnd());
    });
}
