// bin/activate for POSIX shells (bash, zsh, ksh93, mksh, dash and any sh). Pure text generation.
import type { ActivationData } from './data.js';
import { quotePosix, singleQuoteSh } from './quote.js';

/**
 * How deactivate puts a variable back. The activation records, per variable, a mode in
 * _VENVKIT_HOW_<NAME> and the old value in _VENVKIT_OLD_<NAME>:
 *   u  it was unset: unset it
 *   =  assign the old value back (export state was never touched)
 *   x  it was exported: unset, assign, export
 *   s  it was a plain shell variable: unset (drops the export flag activation added), assign
 */
function restore(name: string): string {
  return `    case \${_VENVKIT_HOW_${name}-} in
        u) unset ${name} ;;
        =) ${name}=\${_VENVKIT_OLD_${name}-} ;;
        s) unset ${name}; ${name}=\${_VENVKIT_OLD_${name}-} ;;
        x) unset ${name}; ${name}=\${_VENVKIT_OLD_${name}-}; export ${name} ;;
    esac
    unset _VENVKIT_HOW_${name} _VENVKIT_OLD_${name}`;
}

// zsh: % is its prompt escape (and ! with PROMPT_BANG); with PROMPT_SUBST, PS1 is also expanded, so
// PS1 refers to the name (escaped while expanding) instead of containing it.
const ZSH_PROMPT = singleQuoteSh(
  [
    '',
    'if [[ -o promptsubst ]]; then',
    '    if [[ -o promptbang ]]; then',
    "        PS1='(${${${VIRTUAL_ENV_PROMPT-}//\\%/%%}//!/!!}) '\"${PS1-}\"",
    '    else',
    "        PS1='(${${VIRTUAL_ENV_PROMPT-}//\\%/%%}) '\"${PS1-}\"",
    '    fi',
    'else',
    '    _venvkit_p=${VIRTUAL_ENV_PROMPT//\\%/%%}',
    '    if [[ -o promptbang ]]; then _venvkit_p=${_venvkit_p//!/!!}; fi',
    '    PS1="(${_venvkit_p}) ${PS1-}"',
    '    unset _venvkit_p',
    'fi',
    '',
  ].join('\n'),
);
// bash without promptvars only decodes backslash escapes in PS1: double the name's backslashes.
const BASH_LITERAL_PROMPT = singleQuoteSh(['_venvkit_p=${VIRTUAL_ENV_PROMPT//\\\\/\\\\\\\\}', 'PS1="(${_venvkit_p}) ${PS1-}"', 'unset _venvkit_p'].join('; '));

export function renderPosix(d: ActivationData): string {
  const root = quotePosix(d.root);
  const prompt = quotePosix(d.prompt, 'the prompt name');
  const bin = quotePosix(d.binName);
  const cygwin = d.windows
    ? `
# Git Bash / MSYS / Cygwin see Windows paths through their own mount points.
case \${OSTYPE-} in cygwin*|msys*) VIRTUAL_ENV=$(cygpath -u "$VIRTUAL_ENV") ;; esac`
    : '';
  return `# Activation for POSIX shells (bash, zsh, ksh, mksh, dash...), written by venvkit.
# Use it with \`. bin/activate\` (or \`source bin/activate\`); running it as a program does nothing.
# \`deactivate\` undoes it exactly; \`deactivate nondestructive\` keeps the deactivate function.

_venvkit_sourced=1
if [ -n "\${BASH_VERSION-}" ]; then
    if [ "\${BASH_SOURCE-}" = "$0" ]; then _venvkit_sourced=; fi
elif [ -n "\${ZSH_VERSION-}" ]; then
    case \${ZSH_EVAL_CONTEXT-} in *:file*) ;; *) _venvkit_sourced= ;; esac
else
    case \${0##*/} in activate) _venvkit_sourced= ;; esac
fi
if [ -z "$_venvkit_sourced" ]; then
    echo "This script must be sourced to activate the environment, not run: use \\\`. $0\\\` (or \\\`source $0\\\`)." >&2
    echo "To run one command inside the environment without activating it, use \\\`venvkit run\\\`." >&2
    exit 1
fi
unset _venvkit_sourced

# Nothing activation defines is exported unless it should be, also under \`set -a\`.
case $- in *a*) set +a; _VENVKIT_ALLEXPORT=1 ;; *) _VENVKIT_ALLEXPORT= ;; esac

# Leave any environment that is active in this shell (made by venvkit, venv or virtualenv) first.
# (Only a shell function counts: a program named deactivate on PATH is not one of ours.)
if [ -n "\${BASH_VERSION-}" ]; then
    if declare -F deactivate >/dev/null 2>&1; then deactivate nondestructive; fi
elif [ -n "\${ZSH_VERSION-}" ]; then
    if eval '(( \${+functions[deactivate]} ))'; then deactivate nondestructive; fi
elif command -v deactivate >/dev/null 2>&1; then
    case $(command -v deactivate) in deactivate) deactivate nondestructive ;; esac
fi

deactivate () {
    case $- in *a*) set +a; _VENVKIT_DEACTIVATE_A=1 ;; *) _VENVKIT_DEACTIVATE_A= ;; esac
${restore('PATH')}
${restore('PYTHONHOME')}
${restore('PS1')}
${restore('VIRTUAL_ENV')}
${restore('VIRTUAL_ENV_PROMPT')}
    hash -r 2>/dev/null || true
    if [ "\${1-}" != nondestructive ]; then
        unset -f deactivate
    fi
    if [ -n "$_VENVKIT_DEACTIVATE_A" ]; then set -a; fi
    unset _VENVKIT_DEACTIVATE_A
}

# True when variable $1 is in the environment (not just a shell variable).
_venvkit_exported () {
    if command sh -c 'test -z "\${'"$1"'+x}"' 2>/dev/null; then return 1; fi
    return 0
}
# Remember variable $1's value and how to put it back; $2 = keep: its export state is left alone.
_venvkit_save () {
    if eval '[ -n "\${'"$1"'+x}" ]'; then
        eval "_VENVKIT_OLD_$1=\\$$1"
        if [ "\${2-}" = keep ]; then eval "_VENVKIT_HOW_$1=="
        elif _venvkit_exported "$1"; then eval "_VENVKIT_HOW_$1=x"
        else eval "_VENVKIT_HOW_$1=s"
        fi
    else
        eval "_VENVKIT_HOW_$1=u"
    fi
}

_venvkit_save VIRTUAL_ENV
VIRTUAL_ENV=${root}
export VIRTUAL_ENV${cygwin}

_venvkit_save VIRTUAL_ENV_PROMPT
VIRTUAL_ENV_PROMPT=${prompt}
export VIRTUAL_ENV_PROMPT

if [ -n "\${PATH+x}" ]; then
    _venvkit_save PATH keep
    PATH="$VIRTUAL_ENV/"${bin}"\${PATH:+:$PATH}"
else
    _VENVKIT_HOW_PATH=u
    PATH="$VIRTUAL_ENV/"${bin}
    export PATH
fi

# PYTHONHOME would point the environment's python at another installation.
if [ -n "\${PYTHONHOME+x}" ] && _venvkit_exported PYTHONHOME; then
    _VENVKIT_OLD_PYTHONHOME=$PYTHONHOME
    _VENVKIT_HOW_PYTHONHOME=x
    unset PYTHONHOME
fi

# The prompt shows "(name) ". The name is never put where the shell would expand it: bash (with
# promptvars), dash, ksh and zsh (with PROMPT_SUBST) expand $(...) in PS1, so PS1 refers to
# $VIRTUAL_ENV_PROMPT instead, whose value is not expanded again; where PS1 is not expanded, the
# name is written in with the shell's own prompt escapes (% in zsh, \\ in bash, ! for history).
if [ -z "\${VIRTUAL_ENV_DISABLE_PROMPT-}" ]; then
    _venvkit_save PS1 keep
    if [ -n "\${ZSH_VERSION-}" ]; then
        eval ${ZSH_PROMPT}
    elif [ -n "\${BASH_VERSION-}" ] && ! shopt -q promptvars; then
        eval ${BASH_LITERAL_PROMPT}
    else
        case \${KSH_VERSION-} in
            *93*) PS1='(\${VIRTUAL_ENV_PROMPT//!/!!}) '"\${PS1-}" ;;
            *) PS1='(\${VIRTUAL_ENV_PROMPT-}) '"\${PS1-}" ;;
        esac
    fi
fi

unset -f _venvkit_save _venvkit_exported
# Forget remembered command locations, so python is found in the environment.
hash -r 2>/dev/null || true
if [ -n "$_VENVKIT_ALLEXPORT" ]; then set -a; fi
unset _VENVKIT_ALLEXPORT
`;
}
