// pip's FormatControl: which projects may be installed from wheels ("binary") and which from sdists
// ("source"), from --no-binary / --only-binary values (`:all:`, `:none:`, comma lists of names), each
// value applied in order to one state, as pip applies the command line's and then each requirement
// file's: a name given to one option leaves the other; `:all:` clears both; `:none:` clears its own.
import { VenvkitError } from '../errors.js';
import { canonicalizeName } from '../pep/names.js';
import { foldNames } from './mutual-excludes.js';

export type FormatOption = 'no-binary' | 'only-binary';

/** One --no-binary/--only-binary value, as given (where: the file:line or "command line", for errors). */
export interface FormatControlOp {
  option: FormatOption;
  value: string;
  where?: string;
  /** From pip's configuration or a PIP_* variable (applied before the command line's values). */
  fromConfig?: boolean;
}

export type DistFormat = 'binary' | 'source';

export class FormatControl {
  /** Canonical names, or ':all:'. */
  readonly noBinary = new Set<string>();
  readonly onlyBinary = new Set<string>();

  /** A FormatControl with `ops` applied in order. */
  static from(ops: Iterable<FormatControlOp>): FormatControl {
    const fc = new FormatControl();
    for (const op of ops) fc.apply(op);
    return fc;
  }

  /** Apply one option value, as pip's handle_mutual_excludes does. */
  apply(op: FormatControlOp): this {
    if (op.value.startsWith('-') || op.value === '') {
      throw new VenvkitError('BAD_REQUIREMENT', `${op.where ? `${op.where}: ` : ''}--${op.option} needs a value (:all:, :none: or comma-separated project names)`, {
        hint: 'Write --no-binary :all:, --only-binary numpy,scipy or --no-binary :none:.',
      });
    }
    const [target, other] = op.option === 'no-binary' ? [this.noBinary, this.onlyBinary] : [this.onlyBinary, this.noBinary];
    foldNames(op.value, target, other);
    return this;
  }

  /** The formats pip would accept for `name` (any spelling). */
  allowedFormats(name: string): Set<DistFormat> {
    const n = canonicalizeName(name);
    const out = new Set<DistFormat>(['binary', 'source']);
    if (this.onlyBinary.has(n)) out.delete('source');
    else if (this.noBinary.has(n)) out.delete('binary');
    else if (this.onlyBinary.has(':all:')) out.delete('source');
    else if (this.noBinary.has(':all:')) out.delete('binary');
    return out;
  }

  toJSON(): { noBinary: string[]; onlyBinary: string[] } {
    return { noBinary: [...this.noBinary].sort(), onlyBinary: [...this.onlyBinary].sort() };
  }
}
