// bin/Activate.ps1 for PowerShell (Windows PowerShell 5.1 and PowerShell 7 on any platform).
// Pure text generation.
import type { ActivationData } from './data.js';
import { quotePowerShell } from './quote.js';

export function renderPowerShell(d: ActivationData): string {
  const script = `# Activation for PowerShell, written by venvkit. Use it with \`. bin/Activate.ps1\`
# (or run it: it changes only global state). \`deactivate\` undoes it; \`deactivate -NonDestructive\`
# keeps the function.

# Leave any environment that is active in this session first.
if (Test-Path -Path Function:deactivate) {
    deactivate -NonDestructive
}

function global:deactivate ([switch] $NonDestructive) {
    foreach ($name in @('PATH', 'PYTHONHOME', 'VIRTUAL_ENV', 'VIRTUAL_ENV_PROMPT')) {
        $saved = Get-Variable -Scope Global -Name "_VENVKIT_OLD_$name" -ErrorAction SilentlyContinue
        if ($saved) {
            if ($null -eq $saved.Value) {
                Remove-Item -Path "Env:$name" -ErrorAction SilentlyContinue
            } else {
                Set-Item -Path "Env:$name" -Value $saved.Value
            }
            Remove-Variable -Scope Global -Name "_VENVKIT_OLD_$name"
        }
    }
    if (Test-Path -Path Function:_VENVKIT_OLD_PROMPT) {
        Copy-Item -Path Function:_VENVKIT_OLD_PROMPT -Destination Function:prompt
        Remove-Item -Path Function:_VENVKIT_OLD_PROMPT
    }
    if (-not $NonDestructive) {
        Remove-Item -Path Function:deactivate
    }
}

foreach ($name in @('PATH', 'VIRTUAL_ENV', 'VIRTUAL_ENV_PROMPT')) {
    Set-Variable -Scope Global -Name "_VENVKIT_OLD_$name" -Value ([Environment]::GetEnvironmentVariable($name))
}
$env:VIRTUAL_ENV = ${quotePowerShell(d.root)}
$env:VIRTUAL_ENV_PROMPT = ${quotePowerShell(d.prompt, 'the prompt name')}
$env:PATH = (Join-Path -Path $env:VIRTUAL_ENV -ChildPath ${quotePowerShell(d.binName)}) + [System.IO.Path]::PathSeparator + $env:PATH

# PYTHONHOME would point the environment's python at another installation.
if (Test-Path -Path Env:PYTHONHOME) {
    Set-Variable -Scope Global -Name _VENVKIT_OLD_PYTHONHOME -Value $env:PYTHONHOME
    Remove-Item -Path Env:PYTHONHOME
}

# The prompt shows "(name) " before the prompt it had; the name is printed, never evaluated.
if (-not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
    if (Test-Path -Path Function:prompt) {
        Copy-Item -Path Function:prompt -Destination Function:_VENVKIT_OLD_PROMPT
    } else {
        function global:_VENVKIT_OLD_PROMPT { 'PS ' + (Get-Location) + '> ' }
    }
    function global:prompt {
        '(' + $env:VIRTUAL_ENV_PROMPT + ') ' + ((_VENVKIT_OLD_PROMPT) -join '')
    }
}
`;
  return script;
}
