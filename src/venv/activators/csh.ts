// bin/activate.csh for csh and tcsh. Pure text generation.
//
// The environment path and name appear once each, as literals made by quoteCsh. The deactivate
// alias is re-read by the shell every time it runs, so it only refers to variables, never to the
// path itself.
import type { ActivationData } from './data.js';
import { quoteCsh } from './quote.js';

/**
 * Commands (for the one-line alias) that put environment variable NAME back as it was. csh
 * substitutes variables in a one-line `if` before testing it, so the alias uses `test ... &&`,
 * whose right side is only substituted when it runs.
 */
function restoreEnv(name: string): string {
  const old = `_vk_old_${name}`;
  const was = `_vk_unset_${name}`;
  return `test $?${old} = 1 && setenv ${name} "$${old}:q"; test $?${was} = 1 && unsetenv ${name}; unset ${old} ${was}`;
}

/** Remember environment variable NAME: its value, or that it was unset. */
function saveEnv(name: string): string {
  return `if ($?${name}) then
    set _vk_old_${name} = "$${name}:q"
else
    set _vk_unset_${name}
endif`;
}

/** The name as tcsh shows it in a prompt (%, \ and ! are its escapes) and as csh does (! only). */
export function tcshPromptText(name: string): string {
  return name.replace(/[%\\!]/g, (c) => (c === '%' ? '%%' : '\\' + c));
}
export function cshPromptText(name: string): string {
  return name.replace(/!/g, '\\!');
}

export function renderCsh(d: ActivationData): string {
  const alias = [
    restoreEnv('PATH'),
    `test $?_vk_pythonhome = 1 && setenv PYTHONHOME "$_vk_pythonhome:q"; unset _vk_pythonhome`,
    `test $?_vk_old_prompt = 1 && set prompt = "$_vk_old_prompt:q"; unset _vk_old_prompt`,
    restoreEnv('VIRTUAL_ENV'),
    restoreEnv('VIRTUAL_ENV_PROMPT'),
    'rehash',
    `test "\\!:*" != nondestructive && unalias deactivate`,
  ].join('; ');
  const prefix = (text: string) => quoteCsh(`(${text}) `, 'the prompt name');
  return `# Activation for csh and tcsh, written by venvkit. Use it with \`source bin/activate.csh\`.
# \`deactivate\` undoes it exactly; \`deactivate nondestructive\` keeps the alias.

# Leave any environment that is active in this shell first.
if ( "\`alias deactivate\`" != "" ) then
    deactivate nondestructive
endif

alias deactivate '${alias.replace(/'/g, `'\\''`)}'

${saveEnv('VIRTUAL_ENV')}
setenv VIRTUAL_ENV ${quoteCsh(d.root)}

${saveEnv('VIRTUAL_ENV_PROMPT')}
setenv VIRTUAL_ENV_PROMPT ${quoteCsh(d.prompt, 'the prompt name')}

${saveEnv('PATH')}
setenv PATH "$VIRTUAL_ENV:q/"${quoteCsh(d.binName)}":$PATH:q"

# PYTHONHOME would point the environment's python at another installation.
if ($?PYTHONHOME) then
    set _vk_pythonhome = "$PYTHONHOME:q"
    unsetenv PYTHONHOME
endif

# The prompt shows "(name) " (only where there is a prompt: csh scripts test $?prompt).
if ($?prompt && ! $?VIRTUAL_ENV_DISABLE_PROMPT) then
    set _vk_old_prompt = "$prompt:q"
    if ($?tcsh) then
        set prompt = ${prefix(tcshPromptText(d.prompt))}"$prompt:q"
    else
        set prompt = ${prefix(cshPromptText(d.prompt))}"$prompt:q"
    endif
endif

rehash
`;
}
