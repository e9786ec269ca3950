# venvrun activation script for csh and tcsh.
#
#     source bin/activate.csh
#     deactivate              (undo it; "deactivate nondestructive" keeps the alias)
#
# csh has no functions, so deactivate is an alias, and an alias cannot hold an if-block.
# The one-line "if (cond) command" substitutes variables in the whole line before it tests
# the condition, so "if ($?x) setenv X $x:q" fails when x is unset; with the command in
# single quotes behind eval, the substitution waits until eval runs it. (test(1) with &&
# would do too, but under csh -e its first false test would end the shell.)
#
# Values are always read as $x:q, never as "$x": inside double quotes a value holding a
# newline breaks the parse. The same script works in tcsh and in BSD csh (Debian's csh).
# History substitution happens even inside single quotes of a sourced file, so the
# history character in a value is always escaped with a backslash.

# Undo an activation already in effect (this env's or another's, whether venvrun or
# python -m venv made it) before recording anything, so that the final deactivate brings
# back the shell from before all of them. Calling an alias that does not exist would stop
# the sourcing, hence the check.
if ( "`alias deactivate`" != "" ) then
	deactivate nondestructive
endif

# Restores PATH, PYTHONHOME (unset, empty or a value, as it was) and the prompt, then
# forgets the command hash. _venvrun_old_path is set exactly while an activation is in
# effect, so a second call after "deactivate nondestructive" changes nothing.
alias deactivate 'if ( $?_venvrun_old_path ) eval '\''setenv PATH $_venvrun_old_path:q; unsetenv PYTHONHOME; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT'\''; if ( $?_venvrun_old_pythonhome ) eval '\''setenv PYTHONHOME $_venvrun_old_pythonhome:q'\''; if ( $?_venvrun_old_prompt ) eval '\''set prompt = $_venvrun_old_prompt:q'\''; unset _venvrun_old_path _venvrun_old_pythonhome _venvrun_old_prompt; rehash; if ( "\!*" != nondestructive ) unalias deactivate'

# Leftovers of an activation whose alias was removed by hand: start clean.
unset _venvrun_old_path _venvrun_old_pythonhome _venvrun_old_prompt

setenv VIRTUAL_ENV __VENVRUN_ENV__
setenv VIRTUAL_ENV_PROMPT __VENVRUN_PROMPT__

# csh keeps PATH set (it makes one up at start-up when there is none), so unlike the sh
# script this one does not need to remember an unset PATH.
set _venvrun_old_path = $PATH:q
setenv PATH ${VIRTUAL_ENV:q}/__VENVRUN_BIN__:${PATH:q}

# PYTHONHOME would point the env's python at another installation's standard library.
if ( $?PYTHONHOME ) then
	set _venvrun_old_pythonhome = $PYTHONHOME:q
	unsetenv PYTHONHOME
endif

# Only a prompt that exists is changed: csh scripts test $?prompt to tell whether the
# shell is interactive, so a non-interactive shell must not get one.
if ( $?prompt ) then
	set _venvrun_disable_prompt = ''
	if ( $?VIRTUAL_ENV_DISABLE_PROMPT ) then
		set _venvrun_disable_prompt = $VIRTUAL_ENV_DISABLE_PROMPT:q
	endif
	if ( $_venvrun_disable_prompt:q == '' ) then
		set _venvrun_old_prompt = $prompt:q
		set prompt = '('${VIRTUAL_ENV_PROMPT:q}') '${prompt:q}
	endif
	unset _venvrun_disable_prompt
endif

rehash
