/**
 * The one Python program venvkit runs to learn about an interpreter. It must parse on Python 2.7
 * (so a Python 2 interpreter is reported as "unsupported", not "broken") and touch nothing.
 * Paths for the environment are asked of sysconfig with a placeholder base, then made relative.
 */
export const PROBE_SCRIPT = String.raw`
import sys, os
# platform and json import re, enum and functools: ~half the probe's time on CPython 3.11. CPython
# on Linux and macOS gets the same answers without them (the version as platform.python_version()
# reads it from sys.version, the uname fields as platform.uname() takes them, the JSON written
# here); anything else imports them.
impl = getattr(sys, "implementation", None)
lean = sys.version_info[0] >= 3 and impl is not None and impl.name == "cpython" and sys.platform in ("linux", "darwin") and hasattr(os, "uname") and any(os.uname())
if not lean:
    import platform
out = {}
out["executable"] = sys.executable
out["baseExecutable"] = getattr(sys, "_base_executable", None) or sys.executable
out["implementation"] = impl.name if impl is not None else platform.python_implementation().lower()
out["version"] = list(sys.version_info[:3])
if lean:
    _v = sys.version.split()[0]
    out["versionString"] = _v + ".0" if len(_v.split(".")) == 2 else _v
else:
    out["versionString"] = platform.python_version()
out["releaseLevel"] = sys.version_info[3]
out["serial"] = sys.version_info[4]
if hasattr(sys, "pypy_version_info"):
    v = sys.pypy_version_info
    out["implementationVersion"] = "%d.%d.%d" % (v[0], v[1], v[2])
out["prefix"] = sys.prefix
out["basePrefix"] = getattr(sys, "base_prefix", sys.prefix)
out["execPrefix"] = sys.exec_prefix
out["baseExecPrefix"] = getattr(sys, "base_exec_prefix", sys.exec_prefix)
# -S skips site.py, and site.py is what makes sys.prefix a virtual environment's root (PEP 405):
# find pyvenv.cfg next to the executable or one level up, as site.venv() does.
if out["prefix"] == out["basePrefix"]:
    _exe = os.environ.get("__PYVENV_LAUNCHER__") if sys.platform == "darwin" else None
    _dir = os.path.dirname(os.path.abspath(_exe or sys.executable))
    for _d in (_dir, os.path.dirname(_dir)):
        if os.path.isfile(os.path.join(_d, "pyvenv.cfg")):
            out["prefix"] = out["execPrefix"] = _d
            break
out["platform"] = sys.platform
out["osName"] = os.name
if lean:
    _u = [("" if _f == "unknown" else _f) for _f in os.uname()]
    out["machine"] = _u[4]
    out["platformSystem"], out["platformRelease"], out["platformVersion"] = _u[0], _u[2], _u[3]
else:
    out["machine"] = platform.machine()
    out["platformSystem"], out["platformRelease"], out["platformVersion"] = platform.system(), platform.release(), platform.version()
out["pointerBits"] = 64 if sys.maxsize > 2**32 else 32
out["abiflags"] = getattr(sys, "abiflags", "")
out["cacheTag"] = getattr(impl, "cache_tag", None) if impl is not None else None
try:
    if "CS_GNU_LIBC_VERSION" in getattr(os, "confstr_names", {}):
        out["libc"] = os.confstr("CS_GNU_LIBC_VERSION").split(" ", 1)
    else:
        import platform
        out["libc"] = list(platform.libc_ver())
except Exception:
    out["libc"] = ["", ""]
out["venvPaths"] = {}
out["venvScheme"] = ""
out["configVars"] = {}
out["baseSitePackages"] = []
out["ensurepip"] = []
if sys.version_info[0] >= 3:
    import sysconfig
    names = sysconfig.get_scheme_names()
    if "venv" in names:
        scheme = "venv"
    elif os.name == "nt":
        scheme = "nt"
    elif out["implementation"] == "pypy" and "pypy" in names and sys.version_info < (3, 8):
        scheme = "pypy"
    else:
        scheme = "posix_prefix"
    out["venvScheme"] = scheme
    marker = os.sep + "__venvkit_base__"
    vars = {"base": marker, "platbase": marker, "installed_base": marker, "installed_platbase": marker}
    paths = sysconfig.get_paths(scheme, vars=vars)
    for k, p in paths.items():
        if p.startswith(marker):
            out["venvPaths"][k] = p[len(marker) + 1:]
    for k in ("SOABI", "EXT_SUFFIX", "LDVERSION", "VERSION", "Py_DEBUG", "Py_GIL_DISABLED", "Py_ENABLE_SHARED",
              "MULTIARCH", "py_version_nodot", "abiflags", "LIBDIR", "BINDIR", "EXE", "SHLIB_SUFFIX"):
        v = sysconfig.get_config_var(k)
        if v is None or isinstance(v, (int, str)):
            out["configVars"][k] = v
    try:
        import site
        out["baseSitePackages"] = [p for p in site.getsitepackages([out["basePrefix"], out["baseExecPrefix"]])]
    except Exception:
        pass
    try:
        # ensurepip imports subprocess, tempfile and importlib.resources for its functions, none of
        # which run here: with empty stand-ins for them during the import the probe takes half the
        # time (CPython 3.11: ~80 ms of CPU, not ~140). On any error, the real import.
        import types
        light = {}
        for _n in ("subprocess", "tempfile", "importlib.resources"):
            if _n not in sys.modules:
                sys.modules[_n] = light[_n] = types.ModuleType(_n)
        try:
            import ensurepip
        except Exception:
            sys.modules.pop("ensurepip", None)
            ensurepip = None
        for _n in light:
            if sys.modules.get(_n) is light[_n]:
                del sys.modules[_n]
        if ensurepip is None:
            import ensurepip
        bundled = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")
        def newest(dirs, name):
            best = None
            for d in dirs:
                if not os.path.isdir(d):
                    continue
                for f in os.listdir(d):
                    if f.startswith(name + "-") and f.endswith(".whl"):
                        try:
                            key = tuple(int(x) for x in f.split("-")[1].split("."))
                        except ValueError:
                            key = ()
                        if best is None or key > best[0]:
                            best = (key, os.path.join(d, f), f.split("-")[1])
            return best
        if hasattr(ensurepip, "_get_packages"):
            for name, pkg in ensurepip._get_packages().items():
                whl = getattr(pkg, "wheel_path", None)
                if not whl and getattr(pkg, "wheel_name", None):
                    whl = os.path.join(bundled, pkg.wheel_name)
                out["ensurepip"].append({"name": name, "version": pkg.version, "wheel": whl})
        elif hasattr(ensurepip, "_PIP_VERSION") and not hasattr(ensurepip, "_PROJECTS"):
            whl = None
            pkgdir = getattr(ensurepip, "_WHEEL_PKG_DIR", None)
            if pkgdir:
                found = newest([str(pkgdir)], "pip")
                if found:
                    whl = found[1]
            if whl is None:
                whl = os.path.join(bundled, "pip-%s-py3-none-any.whl" % ensurepip._PIP_VERSION)
            version = os.path.basename(whl).split("-")[1]
            out["ensurepip"].append({"name": "pip", "version": version, "wheel": whl})
        elif hasattr(ensurepip, "_PROJECTS"):
            for proj in ensurepip._PROJECTS:
                if isinstance(proj, str):
                    found = newest(["/usr/share/python-wheels", bundled], proj)
                    if found:
                        out["ensurepip"].append({"name": proj, "version": found[2], "wheel": found[1]})
                    continue
                name, version = proj[0], proj[1]
                found = [f for f in os.listdir(bundled) if f.startswith("%s-%s-" % (name, version)) and f.endswith(".whl")]
                out["ensurepip"].append({"name": name, "version": version, "wheel": os.path.join(bundled, found[0]) if found else None})
    except Exception:
        pass
def dumps(o):
    # JSON as json.dumps writes it (ASCII, every other character escaped), for the types above.
    if o is None or o is True or o is False:
        return {None: "null", True: "true", False: "false"}[o]
    if isinstance(o, int):
        return str(o)
    if isinstance(o, str):
        parts = []
        for c in o:
            n = ord(c)
            if 32 <= n < 127 and c != '"' and c != "\\":
                parts.append(c)
            elif n > 0xFFFF:
                n -= 0x10000
                parts.append("\\u%04x\\u%04x" % (0xD800 | (n >> 10), 0xDC00 | (n & 0x3FF)))
            else:
                parts.append("\\u%04x" % n)
        return '"' + "".join(parts) + '"'
    if isinstance(o, (list, tuple)):
        return "[" + ", ".join(dumps(x) for x in o) + "]"
    if isinstance(o, dict):
        return "{" + ", ".join(dumps(k) + ": " + dumps(v) for k, v in o.items()) + "}"
    raise TypeError(type(o).__name__)
text = None
if lean:
    try:
        text = dumps(out)
    except Exception:
        pass
if text is None:
    import json
    text = json.dumps(out)
sys.stdout.write(text)
`;
