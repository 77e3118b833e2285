// -C/--config-settings KEY=VALUE, as pip reads them: a repeated key becomes a list of its values.
import { VenvkitError } from '../errors.js';
import type { ConfigSettings } from './hooks.js';

export function parseConfigSettings(items: readonly string[]): ConfigSettings {
  const out: ConfigSettings = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new VenvkitError('USAGE', `--config-settings must be KEY=VALUE (got "${item}")`, { hint: 'For example: -C editable_mode=compat' });
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const have = out[key];
    out[key] = have === undefined ? value : Array.isArray(have) ? [...have, value] : [have, value];
  }
  return out;
}
