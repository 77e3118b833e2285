// How to start each shell interactively with an environment already active, without the user
// sourcing anything: its own start-up files run first, then the activation script. Pure: returns
// the command, arguments, extra environment and the small start-up files to write.
import { basename, join } from 'node:path';
import { VenvkitError } from '../errors.js';
import { quoteCsh, quoteFish, quoteNu, quotePosix, quotePowerShell } from '../venv/activators/quote.js';

export type ShellKind = 'bash' | 'zsh' | 'fish' | 'tcsh' | 'ksh' | 'sh' | 'nu' | 'pwsh';

export function shellKind(shell: string): ShellKind {
  const name = basename(shell).replace(/\.exe$/i, '').toLowerCase();
  if (name === 'bash') return 'bash';
  if (name === 'zsh') return 'zsh';
  if (name === 'fish') return 'fish';
  if (name === 'tcsh' || name === 'csh' || name === 'bsd-csh') return 'tcsh';
  if (name === 'ksh' || name === 'ksh93' || name === 'mksh' || name === 'pdksh' || name === 'oksh') return 'ksh';
  if (name === 'sh' || name === 'dash' || name === 'ash' || name === 'busybox') return 'sh';
  if (name === 'nu' || name === 'nushell') return 'nu';
  if (name === 'pwsh' || name === 'powershell') return 'pwsh';
  throw new VenvkitError('SHELL_UNSUPPORTED', `venvkit shell does not know how to start ${shell}`, {
    hint: 'Use the `shell` option with one of bash, zsh, fish, tcsh, csh, ksh, mksh, dash, sh, nu, pwsh; or source the activation script yourself.',
  });
}

export interface LaunchPlan {
  command: string;
  args: string[];
  /** Variables to set (undefined: remove) in the shell's environment. */
  env: Record<string, string | undefined>;
  /** Files to write into the private start-up directory (name -> text). */
  files: Record<string, string>;
}

export interface LaunchInput {
  shell: string;
  /** The environment's scripts directory (absolute). */
  bin: string;
  /** A private, empty directory for start-up files (absolute). */
  startupDir: string;
  /** The user's environment (to find their start-up files). */
  env: NodeJS.ProcessEnv;
}

export function launchPlan(i: LaunchInput): LaunchPlan {
  const kind = shellKind(i.shell);
  const home = i.env.HOME ?? '';
  const activate = join(i.bin, 'activate');
  switch (kind) {
    case 'bash': {
      const rc = join(i.startupDir, 'bashrc');
      return {
        command: i.shell,
        args: ['--rcfile', rc, '-i'],
        env: {},
        files: {
          bashrc: `# venvkit shell: the usual ~/.bashrc, then the environment.\nif [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n. ${quotePosix(activate)}\n`,
        },
      };
    }
    case 'zsh': {
      // zsh reads its files from $ZDOTDIR: point it here; each file puts back the user's ZDOTDIR
      // (which their .zshenv may change), reads their own file, and points here again.
      const restore = 'if [ -n "$_venvkit_zd_set" ]; then ZDOTDIR=$_venvkit_zd; else unset ZDOTDIR; fi\n';
      const read = (name: string) => `${restore}if [ -f "\${ZDOTDIR:-$HOME}/${name}" ]; then . "\${ZDOTDIR:-$HOME}/${name}"; fi\n`;
      const remember = '_venvkit_zd=${ZDOTDIR-}; _venvkit_zd_set=${ZDOTDIR+x}\n';
      const here = `ZDOTDIR=${quotePosix(i.startupDir)}\n`;
      const initial = i.env.ZDOTDIR !== undefined ? `_venvkit_zd=${quotePosix(i.env.ZDOTDIR)}; _venvkit_zd_set=x\n` : '_venvkit_zd=; _venvkit_zd_set=\n';
      return {
        command: i.shell,
        args: ['-i'],
        env: { ZDOTDIR: i.startupDir },
        files: {
          '.zshenv': `${initial}${read('.zshenv')}${remember}${here}`,
          '.zprofile': `${read('.zprofile')}${remember}${here}`,
          // The last file an interactive shell reads: leave ZDOTDIR as the user has it.
          '.zshrc': `${read('.zshrc')}unset _venvkit_zd _venvkit_zd_set\n. ${quotePosix(activate)}\n`,
        },
      };
    }
    case 'fish':
      return { command: i.shell, args: ['-i', '-C', `source ${quoteFish(join(i.bin, 'activate.fish'))}`], env: {}, files: {} };
    case 'tcsh': {
      // csh and tcsh read ~/.tcshrc or ~/.cshrc; HOME points here first, and the file puts it back.
      const cshrc = `# venvkit shell: the usual start-up file, then the environment.
setenv HOME ${quoteCsh(home)}
set home = ${quoteCsh(home)}
if (-r ~/.tcshrc && $?tcsh) then
    source ~/.tcshrc
else if (-r ~/.cshrc) then
    source ~/.cshrc
endif
source ${quoteCsh(join(i.bin, 'activate.csh'))}
`;
      return { command: i.shell, args: ['-i'], env: { HOME: i.startupDir }, files: { '.tcshrc': cshrc, '.cshrc': cshrc } };
    }
    case 'ksh':
    case 'sh': {
      // Interactive ksh and POSIX sh read the file named by $ENV.
      const user = i.env.ENV ?? (kind === 'ksh' ? (basename(i.shell).startsWith('mksh') ? '~/.mkshrc' : '~/.kshrc') : '');
      const userFile = user.startsWith('~/') ? join(home, user.slice(2)) : user;
      const restore = i.env.ENV !== undefined ? `ENV=${quotePosix(i.env.ENV)}` : 'unset ENV';
      const text = `# venvkit shell: the usual start-up file, then the environment.\n${restore}\n${userFile ? `if [ -f ${quotePosix(userFile)} ]; then . ${quotePosix(userFile)}; fi\n` : ''}. ${quotePosix(activate)}\n`;
      return { command: i.shell, args: ['-i'], env: { ENV: join(i.startupDir, 'envrc') }, files: { envrc: text } };
    }
    case 'nu':
      return { command: i.shell, args: nuArgs(join(i.bin, 'activate.nu')), env: {}, files: {} };
    case 'pwsh':
      return { command: i.shell, args: ['-NoLogo', '-NoExit', '-Command', `. ${quotePowerShell(join(i.bin, 'Activate.ps1'))}`], env: {}, files: {} };
  }
}

/**
 * nushell's REPL (`nu -e`) refuses to start when stdin is not a terminal, so a small nu program
 * picks: in a terminal the REPL (the user's config, then the overlay); otherwise the commands on
 * stdin run as a script inside the overlay (no config, as `nu -c` and `nu FILE` do). Both replace
 * this first nu with `exec`. `overlay use` and `source` read their files when the code is parsed,
 * which is why stdin is read through `source /dev/stdin` (Unix only) rather than piped in.
 */
function nuArgs(activate: string): string[] {
  const use = `overlay use ${quoteNu(activate)}`;
  const repl = quoteNu(use);
  const script = quoteNu(`${use}; source /dev/stdin`);
  return ['--no-config-file', '-c', `if (is-terminal --stdin) { exec $nu.current-exe -e ${repl} } else { exec $nu.current-exe --no-config-file -c ${script} }`];
}
