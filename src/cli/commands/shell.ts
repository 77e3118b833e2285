import { VenvkitError } from '../../errors.js';

export default async function shell(_argv: string[]): Promise<number> {
  throw new VenvkitError('NOT_IMPLEMENTED', '`venvkit shell` is not implemented yet', { hint: 'See the README for what this version can do.' });
}
