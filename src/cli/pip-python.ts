// pip's --python PY: pip runs itself with that interpreter, so the command acts on its
// environment. venvkit reads the environment itself: PY names it by its directory or by an
// interpreter inside it (bin/python, Scripts\python.exe).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { VenvkitError } from '../errors.js';

const LAYOUTS: Record<string, string> = {
  install: 'to install for a bare interpreter use --target, --prefix or --user with --python.',
  uninstall: 'to uninstall from a bare interpreter\'s --target, --prefix or user site, give that option with --python.',
};

/** The environment directory --python names (`command`: for the error). */
export function envOfPython(spec: string, command = 'install'): string {
  const abs = resolve(spec);
  if (existsSync(join(abs, 'pyvenv.cfg'))) return abs;
  const up = dirname(dirname(abs));
  if (existsSync(abs) && existsSync(join(up, 'pyvenv.cfg'))) return up;
  throw new VenvkitError('USAGE', `${command}: --python ${spec} is not an environment or an interpreter inside one`, {
    hint: `Give the environment (--env DIR) or its interpreter (DIR/bin/python)${LAYOUTS[command] ? `; ${LAYOUTS[command]}` : '.'}`,
  });
}
