// bin/activate.nu for nushell, used with `overlay use bin/activate.nu`; `deactivate` hides the
// overlay, which puts back every variable it changed. Pure text generation.
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
    let path_name = if ($names | any {|n| $n == 'Path' }) { 'Path' } else { 'PATH' }
    let old_path = ($env | get $path_name)
    let old_path = if (($old_path | describe) == 'string') { $old_path | split row (char esep) } else { $old_path }
    let new_path = ($old_path | prepend $bin_dir)

    let disabled = if ($names | any {|n| $n == 'VIRTUAL_ENV_DISABLE_PROMPT' }) {
        (($env.VIRTUAL_ENV_DISABLE_PROMPT | into string | str length) > 0)
    } else { false }
    let old_prompt = if ($names | any {|n| $n == 'PROMPT_COMMAND' }) { $env.PROMPT_COMMAND } else { '' }
    let prefix = (['(' $venv_name ') '] | str join)
    let new_prompt = if (($old_prompt | describe) | str starts-with 'closure') {
        {|| [$prefix (do $old_prompt)] | str join }
    } else {
        {|| [$prefix ($old_prompt | into string)] | str join }
    }

    let changes = ({}
        | insert $path_name $new_path
        | insert VIRTUAL_ENV $venv_root
        | insert VIRTUAL_ENV_PROMPT $venv_name)
    let changes = if $disabled { $changes } else { $changes | insert PROMPT_COMMAND $new_prompt }
    load-env $changes
    # PYTHONHOME would point the environment's python at another installation.
    hide-env -i PYTHONHOME
}

export alias deactivate = overlay hide activate
`;
}
