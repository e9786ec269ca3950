# Run by venvrun as `PYTHON -E -s -S -c SCRIPT` to learn the facts it needs about an
# interpreter. It prints one JSON object and nothing else. Written for every Python that
# may be found (2.7 too), so that an unsupported one is refused by name, not by a crash.
import sys

# -E -s -S is isolated mode for every version (-I is 3.4+): no PYTHON* variables, no user
# site, no site import. With -c the working directory heads sys.path; drop it before any
# import so that a file there cannot pose as a stdlib module.
if sys.path and sys.path[0] in ("", "."):
    del sys.path[0]

import json
import os

SCHEME_VARS_PLACEHOLDER = "/@VENVRUN_ENV@"


def main():
    out = {}
    vi = sys.version_info
    impl = getattr(sys, "implementation", None)
    out["implementation"] = impl.name if impl else "cpython"
    out["version_info"] = [vi[0], vi[1], vi[2], vi[3], vi[4]]
    version = "%d.%d.%d" % (vi[0], vi[1], vi[2])
    if vi[3] != "final":
        version += {"alpha": "a", "beta": "b", "candidate": "rc"}.get(vi[3], vi[3]) + str(vi[4])
    out["version"] = version
    out["pointer_bits"] = 64 if sys.maxsize > 2 ** 32 else 32
    out["executable"] = sys.executable
    out["base_executable"] = getattr(sys, "_base_executable", None) or sys.executable
    out["prefix"] = sys.prefix
    out["exec_prefix"] = sys.exec_prefix
    out["base_prefix"] = getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix))
    out["base_exec_prefix"] = getattr(sys, "base_exec_prefix", out["base_prefix"])
    out["platlibdir"] = getattr(sys, "platlibdir", "lib")
    out["abiflags"] = getattr(sys, "abiflags", "")
    out["platform"] = sys.platform
    out["machine"] = os.uname()[4]
    out["sys_path"] = list(sys.path)
    if hasattr(sys, "pypy_version_info"):
        pv = sys.pypy_version_info
        out["implementation_version"] = "%d.%d.%d" % (pv[0], pv[1], pv[2])
    if vi[0] < 3:
        return out

    import sysconfig

    cv = sysconfig.get_config_var
    out["free_threaded"] = bool(cv("Py_GIL_DISABLED"))
    out["ext_suffix"] = cv("EXT_SUFFIX") or ""
    out["multiarch"] = cv("MULTIARCH") or ""
    libdir, instsoname = cv("LIBDIR"), cv("INSTSONAME") or cv("LDLIBRARY")
    out["shared"] = bool(cv("Py_ENABLE_SHARED"))
    out["shared_library"] = ""
    if libdir and instsoname:
        lib = os.path.join(libdir, instsoname)
        if os.path.exists(lib):
            out["shared_library"] = os.path.realpath(lib)
    out["stdlib"] = sysconfig.get_path("stdlib")
    out["platstdlib"] = sysconfig.get_path("platstdlib")
    out["base_paths"] = sysconfig.get_paths()

    # The layout of an env: the scheme the interpreter's own venv module uses, evaluated
    # with the env at a placeholder, made relative.
    names = sysconfig.get_scheme_names()
    scheme = "venv" if "venv" in names else "posix_prefix"
    if sys.platform == "win32":
        scheme = "venv" if "venv" in names else "nt"
    placeholder = {}
    for k in ("base", "platbase", "installed_base", "installed_platbase", "userbase"):
        placeholder[k] = SCHEME_VARS_PLACEHOLDER
    venv_paths = {}
    for k, v in sysconfig.get_paths(scheme=scheme, vars=placeholder).items():
        if v.startswith(SCHEME_VARS_PLACEHOLDER + "/"):
            venv_paths[k] = v[len(SCHEME_VARS_PLACEHOLDER) + 1:]
    out["venv_scheme"] = scheme
    out["venv_paths"] = venv_paths

    import site

    try:
        out["site_packages"] = site.getsitepackages()
    except AttributeError:
        out["site_packages"] = []
    try:
        out["user_site"] = site.getusersitepackages()
    except AttributeError:
        out["user_site"] = ""

    import importlib.util

    try:
        spec = importlib.util.find_spec("ensurepip")
    except (ImportError, ValueError):
        spec = None
    out["ensurepip_wheels"] = ""
    if spec and spec.origin:
        bundled = os.path.join(os.path.dirname(spec.origin), "_bundled")
        if os.path.isdir(bundled):
            out["ensurepip_wheels"] = bundled
    return out


sys.stdout.write(json.dumps(main(), sort_keys=True))
sys.stdout.write("\n")
