"""Activate a venvrun environment inside a Python interpreter that is already running.

    path = "/path/to/env/bin/activate_this.py"
    exec(open(path).read(), {"__file__": path})

The environment is found from this file's own place (its parent's parent), so it keeps
working when the environment is reached through another path. Afterwards the
environment's packages import ahead of everything else, sys.prefix and sys.exec_prefix
name the environment, and programs started from here find its bin directory first on PATH.
There is no way back short of restarting the interpreter.
"""

import os
import site
import sys

try:
    _venvrun_here = os.path.abspath(__file__)
except NameError:
    raise AssertionError(
        "activate_this.py needs __file__: run it as exec(open(path).read(), {'__file__': path})"
    )

_venvrun_bin = os.path.dirname(_venvrun_here)
_venvrun_base = os.path.dirname(_venvrun_bin)

# An empty PATH gets no trailing separator, which would put the working directory on it.
_venvrun_path = os.environ.get("PATH", "")
os.environ["PATH"] = _venvrun_bin + (os.pathsep + _venvrun_path if _venvrun_path else "")
os.environ["VIRTUAL_ENV"] = _venvrun_base
os.environ["VIRTUAL_ENV_PROMPT"] = __VENVRUN_PROMPT__
# PYTHONHOME would point a python started from here at another installation's library.
os.environ.pop("PYTHONHOME", None)

# addsitedir appends the directory and whatever its .pth files name; move all of that
# ahead of the entries that were there, so the environment's packages shadow the others.
_venvrun_before = list(sys.path)
site.addsitedir(os.path.join(_venvrun_base, __VENVRUN_SITE_PACKAGES__))
_venvrun_added = [p for p in sys.path if p not in _venvrun_before]
sys.path[:] = _venvrun_added + _venvrun_before

sys.prefix = _venvrun_base
sys.exec_prefix = _venvrun_base

del _venvrun_here, _venvrun_bin, _venvrun_base, _venvrun_path, _venvrun_before, _venvrun_added
