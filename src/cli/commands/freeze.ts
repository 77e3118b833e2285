import { VenvkitError } from '../../errors.js';

export default async function freeze(_argv: string[]): Promise<number> {
  throw new VenvkitError('NOT_IMPLEMENTED', '`venvkit freeze` is not implemented yet', { hint: 'See the README for what this version can do.' });
}
