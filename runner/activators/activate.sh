# venvrun activation script for POSIX shells: bash, zsh, dash, ksh and busybox sh.
#
#     . bin/activate          ("source bin/activate" works in bash and zsh too)
#     deactivate              (undo it; "deactivate nondestructive" keeps the function)
#
# It has to be sourced: a program cannot change the variables of the shell that started it.
#
# The shell sourcing this may run under "set -euo pipefail" (zsh: nounset errexit
# pipefail), so an unset variable is only ever read as ${X+x} or ${X:-}, and no command at
# the top level or in deactivate may return non-zero: with errexit that would end the
# user's shell. Tests run it under bash, zsh and dash.

# Undo an activation that is already in effect (of this env or another one, whether
# venvrun or python -m venv made it) before recording anything, so that the final
# deactivate brings back the shell as it was before the first of them. Only a function
# or builtin is called: "command -v" prints a path for a program that happens to be named
# deactivate, and running that would be a surprise.
if [ "$(command -v deactivate 2>/dev/null || true)" = deactivate ]; then
	deactivate nondestructive
fi

deactivate () {
	# Only an activation in effect is undone: after "deactivate nondestructive" the
	# function stays, and calling it again must not touch a PYTHONHOME set since.
	if [ -n "${_VENVRUN_ACTIVE:-}" ]; then
		# Each _VENVRUN_OLD_X is set exactly when X was, so "set to the empty string"
		# comes back as such and "unset" comes back unset.
		if [ -n "${_VENVRUN_OLD_PATH+x}" ]; then
			PATH=$_VENVRUN_OLD_PATH
		else
			unset PATH
		fi
		if [ -n "${_VENVRUN_OLD_PYTHONHOME+x}" ]; then
			PYTHONHOME=$_VENVRUN_OLD_PYTHONHOME
			export PYTHONHOME
		else
			unset PYTHONHOME
		fi
		# A plain assignment keeps PS1's export attribute, whatever it was.
		if [ -n "${_VENVRUN_OLD_PS1+x}" ]; then
			PS1=$_VENVRUN_OLD_PS1
		fi
		unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT _VENVRUN_ACTIVE _VENVRUN_OLD_PATH \
			_VENVRUN_OLD_PYTHONHOME _VENVRUN_OLD_PS1
		# The shell may have remembered where python was: forget it.
		hash -r 2>/dev/null || true
	fi
	if [ "${1:-}" != nondestructive ]; then
		unset -f deactivate
	fi
	return 0
}

# Leftovers of an activation whose deactivate function was removed by hand would be
# restored by the next deactivate: start clean.
unset _VENVRUN_OLD_PATH _VENVRUN_OLD_PYTHONHOME _VENVRUN_OLD_PS1
_VENVRUN_ACTIVE=1

VIRTUAL_ENV=__VENVRUN_ENV__
export VIRTUAL_ENV
VIRTUAL_ENV_PROMPT=__VENVRUN_PROMPT__
export VIRTUAL_ENV_PROMPT

if [ -n "${PATH+x}" ]; then
	_VENVRUN_OLD_PATH=$PATH
fi
# An empty PATH gets no trailing ':', which would put the working directory on it.
PATH="$VIRTUAL_ENV/"__VENVRUN_BIN__"${PATH:+:$PATH}"
export PATH

# PYTHONHOME would point the env's python at another installation's standard library.
if [ -n "${PYTHONHOME+x}" ]; then
	_VENVRUN_OLD_PYTHONHOME=$PYTHONHOME
	unset PYTHONHOME
fi

# Only a prompt that exists is changed: a non-interactive shell has no PS1, and scripts
# (Debian's bashrc among them) test for an empty PS1 to tell that they are not interactive.
if [ -n "${PS1+x}" ] && [ -z "${VIRTUAL_ENV_DISABLE_PROMPT:-}" ]; then
	_VENVRUN_OLD_PS1=$PS1
	PS1="($VIRTUAL_ENV_PROMPT) $PS1"
fi

hash -r 2>/dev/null || true
