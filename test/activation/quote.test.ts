// The quoting functions, with plain data; and the scripts written for a Windows-layout env.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVenvkitError } from '../../src/errors.js';
import { renderActivators, writeActivators } from '../../src/venv/activators/index.js';
import { quoteBatch, quoteCsh, quoteFish, quoteNu, quotePosix, quotePowerShell, quotePython } from '../../src/venv/activators/quote.js';
import type { Venv } from '../../src/venv/types.js';
import { HOSTILE_NAME, python3 } from '../helpers/shells.js';

const badPath = (code = 'BAD_PATH') => (e: unknown) => isVenvkitError(e, code as 'BAD_PATH');

describe('quoting', () => {
  test('POSIX sh: single quotes, a quote as \'\\\'\'', () => {
    assert.equal(quotePosix("a'b $x"), "'a'\\''b $x'");
    assert.equal(quotePosix(''), "''");
  });
  test('fish: \\ and \' escaped inside single quotes', () => {
    assert.equal(quoteFish("a'b\\c $x"), "'a\\'b\\\\c $x'");
  });
  test('csh: ! \' and \\ outside the quotes, backslash-escaped', () => {
    assert.equal(quoteCsh("a!b'c\\d $e"), "'a'\\!'b'\\''c'\\\\'d $e'");
    assert.equal(quoteCsh('!'), '\\!');
    assert.equal(quoteCsh(''), "''");
  });
  test('nushell: double quotes with \\ and " escaped', () => {
    assert.equal(quoteNu('a"b\\c $(x)'), '"a\\"b\\\\c $(x)"');
  });
  test('PowerShell: typographic single quotes are doubled too', () => {
    assert.equal(quotePowerShell("a'b\u2019c $x"), "'a''b\u2019\u2019c $x'");
  });
  test('cmd: % doubled; ! and " refused', () => {
    assert.equal(quoteBatch('C:\\a%b&c'), 'C:\\a%%b&c');
    assert.throws(() => quoteBatch('C:\\a!b'), badPath());
    assert.throws(() => quoteBatch('C:\\a"b'), badPath());
  });
  test('Python: pure ASCII literal', () => {
    assert.equal(quotePython("é'🐍\\"), "u'\\u00e9\\'\\U0001f40d\\\\'");
  });
  test('control characters are refused everywhere, naming the character and the shell', () => {
    for (const q of [quotePosix, quoteFish, quoteCsh, quoteNu, quotePowerShell, quoteBatch]) {
      assert.throws(() => q('a\nb'), (e: unknown) => badPath()(e) && /U\+000A/.test((e as Error).message));
    }
    // C1 controls: U+009B is a one-character CSI to some terminals printing the prompt.
    for (const q of [quotePosix, quoteFish, quoteCsh, quoteNu, quotePowerShell, quoteBatch]) {
      assert.throws(() => q('a\u009bb'), (e: unknown) => badPath()(e) && /U\+009B/.test((e as Error).message));
      assert.doesNotThrow(() => q('a\u00a0é🐍b'));
    }
  });
});

function fakeVenv(root: string, windows: boolean, prompt = 'env'): Venv {
  const sep = windows ? '\\' : '/';
  const bin = windows ? 'Scripts' : 'bin';
  const site = windows ? 'Lib\\site-packages' : 'lib/python3.12/site-packages';
  return {
    root,
    cfg: {},
    prompt,
    windows,
    paths: { root, scripts: root + sep + bin, purelib: root + sep + site, platlib: root + sep + site, include: root, data: root, python: root + sep + bin + sep + 'python' },
  };
}

describe('writeActivators', () => {
  test('the Windows layout gets activate.bat and deactivate.bat; a path cmd cannot carry is refused', () => {
    const files = renderActivators(fakeVenv('C:\\Users\\me\\my env', true));
    assert.ok(files.has('activate.bat') && files.has('deactivate.bat'));
    assert.match(files.get('activate.bat')!, /set "VIRTUAL_ENV=C:\\Users\\me\\my env"\r\n/);
    assert.throws(() => renderActivators(fakeVenv('C:\\Users\\me\\wow!', true)), (e: unknown) => badPath()(e) && /cmd\.exe/.test((e as Error).message));
    assert.throws(() => renderActivators(fakeVenv('/a:b', false)), badPath());
  });

  test('writes into the staged scripts dir, with the final path inside', async () => {
    const stage = mkdtempSync(join(tmpdir(), 'vk-stage-'));
    try {
      const written = await writeActivators({ stageRoot: stage, venv: fakeVenv('/final/place', false) });
      assert.deepEqual(written.sort(), ['bin/Activate.ps1', 'bin/activate', 'bin/activate.csh', 'bin/activate.fish', 'bin/activate.nu', 'bin/activate_this.py']);
      assert.deepEqual(readdirSync(join(stage, 'bin')).sort(), ['Activate.ps1', 'activate', 'activate.csh', 'activate.fish', 'activate.nu', 'activate_this.py']);
      assert.match(renderActivators(fakeVenv('/final/place', false)).get('activate')!, /^VIRTUAL_ENV='\/final\/place'$/m);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  });

  test('activate_this.py activates inside a running Python', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vk-this-'));
    try {
      const root = join(dir, 'env');
      const py = python3();
      const made = spawnSync(py, ['-m', 'venv', '--without-pip', root]);
      assert.equal(made.status, 0);
      const minor = spawnSync(py, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
      const venv = fakeVenv(root, false, HOSTILE_NAME);
      venv.paths.purelib = venv.paths.platlib = join(root, 'lib', `python${minor}`, 'site-packages');
      await writeActivators({ stageRoot: root, venv });
      const code = `import os, sys
f = ${JSON.stringify(join(root, 'bin', 'activate_this.py'))}
exec(open(f).read(), {"__file__": f})
print(sys.prefix); print(os.environ["VIRTUAL_ENV"]); print(os.environ["VIRTUAL_ENV_PROMPT"])
print(os.environ["PATH"].split(os.pathsep)[0]); print(any(p.endswith("site-packages") and p.startswith(sys.prefix) for p in sys.path[:3]))`;
      const r = spawnSync(py, ['-c', code], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.stdout.split('\n').slice(0, 5), [root, root, HOSTILE_NAME, join(root, 'bin'), 'True']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// PowerShell cannot be installed here (nushell runs for real in nu.test.ts): check the generated scripts
// with a small reader for each language's strings and brackets, and read the path back.
type Lang = 'nu' | 'ps1';
function readScript(text: string, lang: Lang): { strings: string[]; balanced: boolean } {
  const strings: string[] = [];
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  const singles = lang === 'ps1' ? "'\u2018\u2019\u201a\u201b" : "'";
  let balanced = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (singles.includes(c)) {
      let s = '';
      for (i++; i < text.length; i++) {
        if (singles.includes(text[i])) {
          if (lang === 'ps1' && singles.includes(text[i + 1] ?? '')) s += text[++i];
          else break;
        } else s += text[i];
      }
      strings.push(s);
    } else if (c === '"') {
      let s = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        const esc = lang === 'nu' ? '\\' : '`';
        if (text[i] === esc) s += text[++i];
        else s += text[i];
      }
      strings.push(s);
    } else if ('({['.includes(c)) stack.push(c);
    else if (')}]'.includes(c)) balanced = stack.pop() === pairs[c] && balanced;
  }
  return { strings, balanced: balanced && stack.length === 0 };
}

describe('nushell and PowerShell scripts, read without the shells', () => {
  const root = `/home/me/${HOSTILE_NAME}\u2019s env`;
  const files = renderActivators(fakeVenv(root, false, HOSTILE_NAME));
  test('activate.nu: brackets balance, the path and name read back exactly', () => {
    const r = readScript(files.get('activate.nu')!, 'nu');
    assert.ok(r.balanced);
    assert.ok(r.strings.includes(root));
    assert.ok(r.strings.includes(HOSTILE_NAME));
  });
  test('Activate.ps1: brackets balance, the path and name read back exactly', () => {
    const r = readScript(files.get('Activate.ps1')!, 'ps1');
    assert.ok(r.balanced);
    assert.ok(r.strings.includes(root));
    assert.ok(r.strings.includes(HOSTILE_NAME));
  });
});
