// bin/activate.fish. Pure text generation.
import type { ActivationData } from './data.js';
import { quoteFish } from './quote.js';

/** Remember global variable NAME (value, exported or not) so deactivate can put it back. */
function save(name: string): string {
  return `if set -qg ${name}
    set -g _venvkit_old_${name} $${name}
    if set -qgx ${name}; set -g _venvkit_how_${name} x; else; set -g _venvkit_how_${name} s; end
else
    set -g _venvkit_how_${name} u
end`;
}

function restore(name: string): string {
  return `    switch "$_venvkit_how_${name}"
        case u
            set -eg ${name}
        case x
            set -gx ${name} $_venvkit_old_${name}
        case s
            set -gu ${name} $_venvkit_old_${name}
    end
    set -eg _venvkit_how_${name} _venvkit_old_${name}`;
}

export function renderFish(d: ActivationData): string {
  return `# Activation for fish, written by venvkit. Use it with \`source bin/activate.fish\`.
# \`deactivate\` undoes it exactly; \`deactivate nondestructive\` keeps the deactivate function.

# Leave any environment that is active in this shell first.
if functions -q deactivate
    deactivate nondestructive
end

function deactivate --description 'Leave the virtual environment'
${restore('PATH')}
${restore('PYTHONHOME')}
${restore('VIRTUAL_ENV')}
${restore('VIRTUAL_ENV_PROMPT')}
    if set -qg _venvkit_prompt_from
        functions -e fish_prompt
        if test "$_venvkit_prompt_from" = copy
            functions -c _venvkit_old_fish_prompt fish_prompt
        else if test -n "$_venvkit_prompt_from"
            # It came from an autoloaded file: load that file again, as it was.
            source "$_venvkit_prompt_from"
        end
        functions -e _venvkit_old_fish_prompt _venvkit_status
        set -eg _venvkit_prompt_from
    end
    if test "$argv[1]" != nondestructive
        functions -e deactivate
    end
end

${save('VIRTUAL_ENV')}
set -gx VIRTUAL_ENV ${quoteFish(d.root)}

${save('VIRTUAL_ENV_PROMPT')}
set -gx VIRTUAL_ENV_PROMPT ${quoteFish(d.prompt, 'the prompt name')}

${save('PATH')}
set -gx PATH "$VIRTUAL_ENV/"${quoteFish(d.binName)} $PATH

# PYTHONHOME would point the environment's python at another installation.
if set -qgx PYTHONHOME
    set -g _venvkit_old_PYTHONHOME $PYTHONHOME
    set -g _venvkit_how_PYTHONHOME x
    set -eg PYTHONHOME
end

# The prompt shows "(name) " before the prompt it had; the name is printed, never evaluated.
if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
    if functions -q fish_prompt
        set -l from (functions --details fish_prompt)
        if string match -q -- '*/fish_prompt.fish' "$from"; and test -f "$from"
            set -g _venvkit_prompt_from $from
        else
            set -g _venvkit_prompt_from copy
        end
        functions -c fish_prompt _venvkit_old_fish_prompt
    else
        set -g _venvkit_prompt_from ''
    end
    function _venvkit_status --description 'Set $status for the prompt underneath'
        return $argv[1]
    end
    function fish_prompt --description 'Write out the prompt, with the virtual environment'
        set -l last_status $status
        printf '(%s) ' "$VIRTUAL_ENV_PROMPT"
        if functions -q _venvkit_old_fish_prompt
            _venvkit_status $last_status
            _venvkit_old_fish_prompt
        end
    end
end
`;
}
