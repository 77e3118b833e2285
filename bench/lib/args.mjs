// Command-line options of the benchmark suite (pure: argv in, options out).

export const USAGE = `Usage: npm run bench -- [options]      (or: node bench/run.mjs [options] after npm run build)

Options:
  --runs N        timed runs per tool and task, alternating A B A B ... (default 10; the
                  quick create tasks always run at least 20 times)
  --warmup N      untimed warm-up runs per tool before the check (default 1, at least 1)
  --only PATTERN  run only tasks whose id matches (substring, or glob with *); repeatable,
                  or comma-separated
  --list          list the tasks and exit
  --no-write      do not rewrite bench/results.md and bench/results.svg (write them under
                  bench/.work/ instead); the default when --only picks a subset
  --write         rewrite bench/results.md and bench/results.svg even with --only
  -h, --help      this help
`;

const DEFAULTS = { runs: 10, warmup: 1, only: [], list: false, write: null, help: false };

function positiveInt(name, value, allowZero = false) {
  if (value === undefined || !/^\d+$/.test(value)) throw new Error(`${name} needs a whole number, got ${value === undefined ? 'nothing' : `'${value}'`}`);
  const n = Number(value);
  if (n < (allowZero ? 0 : 1)) throw new Error(`${name} must be at least ${allowZero ? 0 : 1}`);
  return n;
}

/** Parses the suite's options; throws an Error with a readable message on bad input. */
export function parseBenchArgs(argv) {
  const out = { ...DEFAULTS, only: [] };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = () => {
      if (inline !== undefined) return inline;
      i++;
      return argv[i];
    };
    switch (arg) {
      case '--runs': out.runs = positiveInt('--runs', value()); break;
      case '--warmup': out.warmup = positiveInt('--warmup', value()); break;
      case '--only': {
        const v = value();
        if (v === undefined || v === '') throw new Error('--only needs a pattern');
        out.only.push(...v.split(',').map((s) => s.trim()).filter(Boolean));
        break;
      }
      case '--list': out.list = true; break;
      case '--no-write': out.write = false; break;
      case '--write': out.write = true; break;
      case '-h': case '--help': out.help = true; break;
      default: throw new Error(`unknown option '${argv[i]}'`);
    }
  }
  // A subset does not overwrite the full results unless asked to.
  if (out.write === null) out.write = out.only.length === 0;
  return out;
}

/** True when a task id is picked by the --only patterns (none given: every task). */
export function matchesOnly(id, patterns) {
  if (patterns.length === 0) return true;
  return patterns.some((p) => {
    if (!p.includes('*')) return id.toLowerCase().includes(p.toLowerCase());
    const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
    return re.test(id);
  });
}
