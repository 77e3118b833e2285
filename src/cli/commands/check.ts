import { VenvkitError } from '../../errors.js';

export default async function check(_argv: string[]): Promise<number> {
  throw new VenvkitError('NOT_IMPLEMENTED', '`venvkit check` is not implemented yet', { hint: 'See the README for what this version can do.' });
}
