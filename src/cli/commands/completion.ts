// venvkit completion bash|zsh|fish: a completion script for that shell, generated from one table
// (src/cli/completion-spec.ts). Load it with
//   bash: eval "$(venvkit completion bash)"       (or save it in ~/.local/share/bash-completion/completions/venvkit)
//   zsh:  eval "$(venvkit completion zsh)"        (after compinit; or save it as _venvkit in $fpath)
//   fish: venvkit completion fish | source        (or save it in ~/.config/fish/completions/venvkit.fish)
import { VenvkitError } from '../../errors.js';
import { parse } from '../args.js';
import { stdout } from '../output.js';
import { COMPLETION, type FlagSpec } from '../completion-spec.js';

const HELP = `Usage: venvkit completion bash|zsh|fish

Print a completion script for the shell: commands, subcommands, flags and their values.

  bash:  eval "$(venvkit completion bash)"   in ~/.bashrc
  zsh:   eval "$(venvkit completion zsh)"    in ~/.zshrc, after compinit
         (or venvkit completion zsh > DIR/_venvkit, DIR in $fpath before compinit)
  fish:  venvkit completion fish > ~/.config/fish/completions/venvkit.fish

Options (as every command; a unique prefix of one will do, e.g. --he):
  -h, --help     this help
  -q, -v, --color auto|always|never   taken and without effect (the output is a script)
`;

const words = (list: readonly string[]) => list.join(' ');
const flagWords = (flags: FlagSpec[]) => flags.flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]);

function bash(): string {
  const commands = Object.keys(COMPLETION);
  const perCommand = Object.entries(COMPLETION).map(([name, spec]) => {
    const values = spec.flags.filter((f) => f.value).map((f) => {
      const pattern = [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])].join('|');
      const action = f.value === 'dir' ? 'COMPREPLY=($(compgen -d -- "$cur"))' : f.value === 'file' ? 'COMPREPLY=($(compgen -f -- "$cur"))' : f.value === 'any' ? 'COMPREPLY=()' : `COMPREPLY=($(compgen -W '${words(f.value as string[])}' -- "$cur"))`;
      return `        ${pattern}) ${action}; return ;;`;
    });
    const positional = spec.subcommands
      ? `[[ -z $sub ]] && COMPREPLY=($(compgen -W '${words(spec.subcommands)}' -- "$cur"))`
      : spec.positional === 'dir' ? 'COMPREPLY=($(compgen -d -- "$cur"))' : spec.positional === 'file' ? 'COMPREPLY=($(compgen -f -- "$cur"))' : ':';
    return `    ${name})
      case "$prev" in
${values.join('\n')}
      esac
      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '${words(flagWords(spec.flags))}' -- "$cur")); else ${positional}; fi ;;`;
  });
  return `# venvkit completion for bash: eval "$(venvkit completion bash)"
_venvkit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" sub="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ $w == --color ]]; then ((i++)); continue; fi
    [[ $w == -* ]] && continue
    if [[ -z $cmd ]]; then cmd="$w"; elif [[ -z $sub ]]; then sub="$w"; fi
  done
  if [[ $prev == --color ]]; then COMPREPLY=($(compgen -W 'auto always never' -- "$cur")); return; fi
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '--help --version --color' -- "$cur")); else COMPREPLY=($(compgen -W '${words(commands)}' -- "$cur")); fi
    return
  fi
  case "$cmd" in
    help) [[ -z $sub ]] && COMPREPLY=($(compgen -W '${words(commands.filter((c) => c !== 'help'))}' -- "$cur")) ;;
${perCommand.filter((_, i) => commands[i] !== 'help').join('\n')}
  esac
}
complete -o default -o bashdefault -F _venvkit venvkit
`;
}

/** One _arguments spec per flag name: `*--long=:value:action` / `*-s+:value:action` when it takes a value (repeatable). */
function zshFlags(flags: FlagSpec[]): string[] {
  return flags.flatMap((fl) => {
    const action = fl.value === undefined ? '' : fl.value === 'dir' ? ':directory:_files -/' : fl.value === 'file' ? ':file:_files' : fl.value === 'any' ? ':value: ' : `:value:(${words(fl.value as string[])})`;
    const many = fl.value ? '*' : '';
    const long = `'${many}--${fl.long}${fl.value ? '=' : ''}${action}'`;
    return fl.short ? [long, `'${many}-${fl.short}${fl.value ? '+' : ''}${action}'`] : [long];
  });
}

function zsh(): string {
  const commands = Object.keys(COMPLETION);
  const perCommand = Object.entries(COMPLETION).filter(([name]) => name !== 'help').map(([name, spec]) => {
    const positional = spec.subcommands ? [`'1:subcommand:(${words(spec.subcommands)})'`] : spec.positional === 'dir' ? ["'*:directory:_files -/'"] : spec.positional === 'file' ? ["'*:file:_files'"] : [];
    return `        (${name}) _arguments -s ${[...zshFlags(spec.flags), ...positional].join(' ')} && ret=0 ;;`;
  });
  // Native zsh (compsys _arguments). Saved as _venvkit in $fpath it autoloads; eval'd or sourced it registers itself.
  return `#compdef venvkit
# venvkit completion for zsh: eval "$(venvkit completion zsh)" after compinit, or save it as _venvkit in $fpath
_venvkit() {
  local curcontext="$curcontext" state line ret=1
  _arguments -C '--help' '-h' '--version' '--color=:when:(auto always never)' '1:command:->command' '*::argument:->argument' && ret=0
  case $state in
    (command) compadd -- ${words(commands)} && ret=0 ;;
    (argument)
      curcontext="\${curcontext%:*:*}:venvkit-$words[1]:"
      case $words[1] in
        (help) _arguments '1:command:(${words(commands.filter((c) => c !== 'help'))})' && ret=0 ;;
${perCommand.join('\n')}
      esac ;;
  esac
  return ret
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _venvkit "$@"
else
  (( $+functions[compdef] )) || { autoload -Uz compinit && compinit; }
  compdef _venvkit venvkit
fi
`;
}

const fishQuote = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

function fish(): string {
  const commands = Object.keys(COMPLETION);
  const lines = [
    '# venvkit completion for fish: venvkit completion fish | source',
    'complete -c venvkit -e',
    `complete -c venvkit -f -n '__fish_use_subcommand' -a ${fishQuote(words(commands))}`,
    "complete -c venvkit -n '__fish_use_subcommand' -l color -x -a 'auto always never'",
    "complete -c venvkit -n '__fish_use_subcommand' -l version",
    `complete -c venvkit -f -n '__fish_seen_subcommand_from help' -a ${fishQuote(words(commands.filter((c) => c !== 'help')))}`,
  ];
  for (const [name, spec] of Object.entries(COMPLETION)) {
    const when = `__fish_seen_subcommand_from ${name}`;
    if (spec.subcommands) lines.push(`complete -c venvkit -f -n ${fishQuote(`${when}; and not __fish_seen_subcommand_from ${words(spec.subcommands)}`)} -a ${fishQuote(words(spec.subcommands))}`);
    else if (spec.positional === 'none') lines.push(`complete -c venvkit -f -n ${fishQuote(when)}`);
    else if (spec.positional === 'dir') lines.push(`complete -c venvkit -f -n ${fishQuote(when)} -a '(__fish_complete_directories)'`);
    for (const fl of spec.flags) {
      let line = `complete -c venvkit -n ${fishQuote(when)} -l ${fl.long}`;
      if (fl.short) line += ` -s ${fl.short}`;
      if (fl.value === 'dir') line += " -x -a '(__fish_complete_directories)'";
      else if (fl.value === 'file') line += ' -r -F';
      else if (fl.value === 'any') line += ' -x';
      else if (fl.value) line += ` -x -a ${fishQuote(words(fl.value as string[]))}`;
      lines.push(line);
    }
  }
  return lines.join('\n') + '\n';
}

const SHELLS: Record<string, () => string> = { bash, zsh, fish };

export default async function completion(argv: string[]): Promise<number> {
  // As every command: options may be shortened to a unique prefix (--he), anywhere on the line.
  const { values, positionals } = parse('completion', argv, {});
  if (values.json) throw new VenvkitError('USAGE', 'completion: --json does not apply (the output is a shell script)', { hint: 'Use `venvkit completion bash|zsh|fish`.' });
  const [shell, ...rest] = positionals;
  if (values.help || shell === undefined) {
    stdout(HELP);
    return values.help ? 0 : 2;
  }
  if (!Object.hasOwn(SHELLS, shell)) throw new VenvkitError('USAGE', `completion: no completion for '${shell}'`, { hint: 'Use `venvkit completion bash`, `zsh` or `fish`.' });
  if (rest.length) throw new VenvkitError('USAGE', `completion: unexpected argument '${rest[0]}'`, { hint: 'Use `venvkit completion bash|zsh|fish`.' });
  stdout(SHELLS[shell]!());
  return 0;
}
