// bin/activate.nu for nushell, used with `overlay use bin/activate.nu`; `deactivate` hides the
// overlay, which puts back every variable it changed or hid. Pure text generation.
//
// Written for nushell 0.90 and later: no raw strings, no `get -o`/`get -i` (renamed in 0.106), no
// record literals with computed keys. Two traps it avoids: `insert KEY $closure` runs the closure
// and stores its result (the prompt would be frozen text), so the prompt goes in through a record
// literal; and `overlay use` of a second environment re-enters the same overlay ("activate") on top
// of the first, so the first environment's bin leaves PATH and the prompt is built on the one from
// before any activation (kept, as a record that external programs never see, in
// _VENVKIT_PROMPT_BASE).
import type { ActivationData } from './data.js';
import { quoteNu } from './quote.js';

export function renderNu(d: ActivationData): string {
  return `# Activation for nushell, written by venvkit. Use it with \`overlay use bin/activate.nu\`.
# \`deactivate\` (an alias for \`overlay hide activate\`) undoes it. The overlay must keep its
# default name, "activate", for \`deactivate\` to find it.

export-env {
    let venv_root = ${quoteNu(d.root)}
    let venv_name = ${quoteNu(d.prompt, 'the prompt name')}
    let bin_dir = ($venv_root | path join ${quoteNu(d.binName)})
    let names = ($env | columns)
    # Windows calls it Path.
    let path_name = if ('Path' in $names) { 'Path' } else { 'PATH' }
    let old_path = ($env | get $path_name)
    let old_path = if (($old_path | describe) == 'string') { $old_path | split row (char esep) } else { $old_path }
    # An environment already active (this one or another) leaves PATH first.
    let drop = if ('VIRTUAL_ENV' in $names) {
        [$bin_dir ($env.VIRTUAL_ENV | into string | path join ${quoteNu(d.binName)})]
    } else { [$bin_dir] }
    let new_path = ($old_path | where {|p| not ($p in $drop) } | prepend $bin_dir)

    let disabled = if ('VIRTUAL_ENV_DISABLE_PROMPT' in $names) {
        (($env.VIRTUAL_ENV_DISABLE_PROMPT | into string | str length) > 0)
    } else { false }
    # The prompt from before any activation: {command: closure, string or null (none set)}.
    let base = if ('_VENVKIT_PROMPT_BASE' in $names) {
        $env._VENVKIT_PROMPT_BASE
    } else if ('PROMPT_COMMAND' in $names) {
        {command: $env.PROMPT_COMMAND}
    } else { {command: null} }
    let old_prompt = $base.command
    let prefix = (['(' $venv_name ') '] | str join)
    let kind = ($old_prompt | describe)
    let new_prompt = if ($kind | str starts-with 'closure') {
        {|| [$prefix (do $old_prompt | into string)] | str join }
    } else if ($kind == 'nothing') {
        # nushell shows the working directory when no prompt is set.
        {|| [$prefix $env.PWD] | str join }
    } else {
        {|| [$prefix ($old_prompt | into string)] | str join }
    }

    load-env ({}
        | insert $path_name $new_path
        | insert VIRTUAL_ENV $venv_root
        | insert VIRTUAL_ENV_PROMPT $venv_name)
    load-env (if $disabled { {} } else { {PROMPT_COMMAND: $new_prompt, _VENVKIT_PROMPT_BASE: $base} })
    # PYTHONHOME would point the environment's python at another installation.
    hide-env -i PYTHONHOME
}

export alias deactivate = overlay hide activate
`;
}
