// `venvkit install --help`: every option, pip's included, and what each means here.
export const HELP = `Usage: venvkit install [options] REQUIREMENT... [-r FILE]...

Install packages (and what they depend on) into an environment, resolving them against the
indexes pip is configured with (pip.conf, PIP_INDEX_URL...), for the environment's interpreter.
A requirement is a PEP 508 string ("flask>=3", "uvicorn[standard]"), a .whl path or a file:// URL,
a project directory (".", "./pkg[extra]", "name @ file:///dir") or an sdist (x-1.0.tar.gz, .zip);
projects and sdists are built with their PEP 517 backend first.

Options:
      --env DIR              the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -e, --editable DIR         install the project in DIR in editable mode (PEP 660; repeatable)
  -r, --requirement FILE     install from a requirements file (repeatable)
      --group [PATH:]NAME    install a PEP 735 dependency group of PATH (default ./pyproject.toml; repeatable)
  -c, --constraint FILE      constrain versions with a constraints file (repeatable)
  -i, --index-url URL        the main package index (replaces pip's)
      --extra-index-url URL  another index (repeatable)
  -f, --find-links LOC       a directory or page of wheels (repeatable)
      --no-index             use only --find-links locations
      --no-deps              do not install dependencies
  -U, --upgrade              upgrade the named packages to the newest allowed versions
      --force-reinstall      reinstall everything resolved, even when up to date
      --pre                  allow pre-releases
      --no-binary NAMES      do not use wheels of these projects (comma list, :all: or :none:): build their sdists
      --only-binary NAMES    do not use sdists of these projects (comma list, :all: or :none:)
      --prefer-binary        prefer an older version with a wheel to a newer one with only an sdist
      --require-hashes       demand a --hash for every requirement (implied by any --hash)
      --dry-run              resolve and report, change nothing
      --timeout SECONDS      network timeout: no data for this long, or a body slower than 1 KiB/s over it (default pip's, 15)
      --no-cache             use no cache at all (downloads, index pages, unpacked wheels, interpreters)
      --no-build-isolation   build projects with the target environment as it is
  -C, --config-settings K=V  a setting for the build backend (repeatable; a repeated key is a list)
      --link-mode MODE       how files come from the unpacked-wheel cache (or $VENVKIT_LINK_MODE):
                               (default) reflink where the file system can, else a hard link when
                                         the cache is on the same file system, else copy
                               clone     reflink where the file system can, else copy
                               copy      always copy: each env has files of its own
                               hardlink  share the cache's files, else copy
                             with hard links an in-place edit of an installed file changes the
                             cache and every env that shares it (the next install notices and
                             unpacks it again); copy and clone avoid that
      --no-user              undo an earlier --user (pip's; the last of the two counts)
      --no-compile           install no bytecode (.pyc): by default each wheel is compiled once per
                               interpreter, kept in the cache and placed with its sources
      --compile              byte-compile the installed modules (the default)
Where to install (pip's layouts; no environment needed, the interpreter is --python, else the
active environment's, else python3):
  -t, --target DIR           install into DIR: packages at its top level, scripts in DIR/bin; what
                               DIR already has is kept (with a warning) unless --upgrade replaces it
      --prefix DIR           install with DIR as the prefix (DIR/lib/pythonX.Y/site-packages, DIR/bin)
      --root DIR             install every path under DIR (DIR/<prefix>/...): a staged root for packaging
      --user                 install into the user site of the interpreter (~/.local; $PYTHONUSERBASE)
      --python SPEC          the interpreter the layouts install for (3.12, a path...); without a
                               layout, pip's meaning: the environment of this interpreter path (or
                               environment directory), as --env
      --python-version V     resolve for Python V (3.11, 311) instead of the interpreter's version
      --platform TAG         resolve for wheels of this platform tag (manylinux2014_x86_64, win_amd64;
                               repeatable); with --implementation IMPL (cp, pp) and --abi ABI (repeatable)
                               these need --target DIR or --dry-run, and --no-deps or --only-binary :all:
      --implementation IMPL  resolve for this implementation (cp, pp)
      --abi ABI              resolve for wheels of this ABI tag (repeatable)
  -I, --ignore-installed     install as if nothing were installed (files already there are overwritten)
      --report FILE          write pip's installation report (JSON, version 1) to FILE, or - for stdout
                               (with --dry-run: what would be installed)
  -q, --quiet                print nothing but errors (pip's counted -qq, -qqq are the same)
  -v, --verbose              say more (resolution time, each package; -vv, -vvv the same)
      --json                 print a report of what was resolved and installed as JSON
pip install's other options, with pip's meaning:
      --no-cache-dir         as --no-cache (pip's: no HTTP or wheel cache; venvkit keeps none either)
      --cache-dir DIR        venvkit's cache root for this run (as $VENVKIT_CACHE_DIR)
      --upgrade-strategy S   only-if-needed (default): -U upgrades the named packages; eager: their
                               dependencies too
      --progress-bar MODE    auto, on (the status line on a terminal), off, raw ("Progress N of M"
                               lines on stdout for each download)
      --trusted-host HOST    do not verify HTTPS certificates of HOST or HOST:PORT (repeatable)
      --cert FILE            CA bundle (PEM) to verify HTTPS with, instead of the system's
      --client-cert FILE     PEM file with the client's key and certificate, for servers that ask
      --proxy URL            proxy for every http(s) URL: scheme://[user:password@]host:port
      --no-proxy-env         ignore HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY
      --retries N            retries of a failed request (default 3)
      --isolated             ignore pip's user configuration files and PIP_* variables
      --log FILE             append a verbose log of the run to FILE (also what -q hides)
      --no-require-hashes    a --hash in a requirements file does not turn on hash-checking mode (the
                               file it pins is still checked against it, as pip)
      --requirements-from-script FILE
                             install the dependencies of a script's PEP 723 block (# /// script)
      --all-releases NAMES   allow pre-releases of these projects (comma list; :all: every project,
                               :none: empties the list; repeatable, applied in order; not with --pre)
      --only-final NAMES     final releases only for these projects, even where a specifier names a
                               pre-release (comma list, :all:, :none:); a project named by both: the last
      --only-deps            install only the dependencies of the named requirements, not the
                               requirements themselves (nor one another's); not with --no-deps, -r,
                               --group or --requirements-from-script
      --ignore-requires-python
                             choose versions whatever their Requires-Python says
      --build-constraint FILE
                             constraints for the build environments of sdists and projects only
                               (not for what is installed; repeatable)
      --refresh-package NAMES
                             revalidate these projects' index pages with the index instead of using
                               a cached page still fresh (comma list, :all:; repeatable)
      --uploaded-prior-to WHEN
                             only index files uploaded before WHEN: an ISO 8601 date or date-time
                               (local time without an offset), or PnD (n days ago); needs the index's
                               PEP 700 upload-time (JSON pages), files without one are left out;
                               file:// locations are exempt (as pip)
      --src DIR              editable VCS checkouts (-e git+URL#egg=NAME) go to DIR/NAME (default ENV/src)
      --no-color             as --color never
  -V, --version              print venvkit's version
pip-only options, accepted (values checked as pip checks them) and without effect, because venvkit
already behaves so:
      --disable-pip-version-check  --no-input  --root-user-action warn|ignore
      --no-warn-script-location  --no-warn-conflicts  --exists-action s|i|w|b|a
      --keyring-provider auto|disabled|import|subprocess  --use-pep517  --no-clean
      --require-virtualenv  --use-feature NAME  --use-deprecated NAME  --resume-retries N
      --debug  --no-python-version-warning  --break-system-packages
-C on the command line applies to the command line's requirements and -e projects only; a line of
a requirements file is built with the \`-C KEY=VALUE\` written after it, or with none (as pip).
pip's aliases work too (--no-dependencies, --pypi-url, --log-file, --default-timeout, --require-venv...),
and, as in pip, any unique prefix of a long option (--no-depe, --upgrade-strat); an ambiguous one is
an error naming the options it could be. Not taken: --check-build-dependencies.
`;
