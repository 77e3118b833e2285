// activate.bat and deactivate.bat for cmd.exe (Windows layout only). Pure text generation.
import type { ActivationData } from './data.js';
import { quoteBatch } from './quote.js';

const CRLF = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** The name as it must appear in %PROMPT%, where $ starts a code ($P, $G...) and % a variable. */
export function batchPromptText(name: string): string {
  return quoteBatch(name.replace(/\$/g, '$$$$'), 'the prompt name');
}

const RESTORE = `if defined _OLD_VIRTUAL_PROMPT set "PROMPT=%_OLD_VIRTUAL_PROMPT%"
set _OLD_VIRTUAL_PROMPT=
if defined _OLD_VIRTUAL_PYTHONHOME set "PYTHONHOME=%_OLD_VIRTUAL_PYTHONHOME%"
set _OLD_VIRTUAL_PYTHONHOME=
if defined _OLD_VIRTUAL_PATH set "PATH=%_OLD_VIRTUAL_PATH%"
set _OLD_VIRTUAL_PATH=
`;

export function renderActivateBat(d: ActivationData): string {
  return CRLF(`@echo off
rem Activation for cmd.exe, written by venvkit. Run activate.bat; deactivate.bat undoes it.

rem This file is UTF-8: read it with code page 65001, then put the user's code page back.
for /f "tokens=2 delims=:." %%a in ('"%SystemRoot%\\System32\\chcp.com"') do set _VENVKIT_CODEPAGE=%%a
if defined _VENVKIT_CODEPAGE "%SystemRoot%\\System32\\chcp.com" 65001 > nul

rem Leave an environment that is already active first.
${RESTORE}
set "VIRTUAL_ENV=${quoteBatch(d.root)}"
set "VIRTUAL_ENV_PROMPT=${quoteBatch(d.prompt, 'the prompt name')}"

if not defined PROMPT set "PROMPT=$P$G"
set "_OLD_VIRTUAL_PROMPT=%PROMPT%"
if not defined VIRTUAL_ENV_DISABLE_PROMPT set "PROMPT=(${batchPromptText(d.prompt)}) %PROMPT%"

if defined PYTHONHOME set "_OLD_VIRTUAL_PYTHONHOME=%PYTHONHOME%"
set PYTHONHOME=

set "_OLD_VIRTUAL_PATH=%PATH%"
set "PATH=%VIRTUAL_ENV%\\${quoteBatch(d.binName)};%PATH%"

if defined _VENVKIT_CODEPAGE "%SystemRoot%\\System32\\chcp.com" %_VENVKIT_CODEPAGE% > nul
set _VENVKIT_CODEPAGE=
`);
}

export function renderDeactivateBat(): string {
  return CRLF(`@echo off
rem Leaves the environment activate.bat entered (written by venvkit).
${RESTORE}set VIRTUAL_ENV=
set VIRTUAL_ENV_PROMPT=
`);
}
