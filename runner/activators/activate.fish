# venvrun activation script for fish.
#
#     source bin/activate.fish
#     deactivate              (undo it; "deactivate nondestructive" keeps the function)

# Undo an activation already in effect (this env's or another's) before recording
# anything, so that the final deactivate brings back the shell from before all of them.
if functions -q deactivate
    deactivate nondestructive
end

function deactivate --description 'Leave the venvrun environment'
    # Only an activation in effect is undone: after "deactivate nondestructive" the
    # function stays, and calling it again must not touch a PYTHONHOME set since.
    if set -q _venvrun_active
        # Each _venvrun_old_X is defined exactly when X was, so a variable that was
        # set to the empty string comes back as such and an unset one stays unset.
        if set -q _venvrun_old_path
            set -gx PATH $_venvrun_old_path
        else
            set -e PATH
        end
        set -e PYTHONHOME
        if set -q _venvrun_old_pythonhome
            set -gx PYTHONHOME $_venvrun_old_pythonhome
        end
        if set -q _venvrun_prompt_wrapped
            functions -e fish_prompt _venvrun_set_status
            if functions -q _venvrun_old_fish_prompt
                functions -c _venvrun_old_fish_prompt fish_prompt
                functions -e _venvrun_old_fish_prompt
            end
        end
        set -e VIRTUAL_ENV
        set -e VIRTUAL_ENV_PROMPT
        set -e _venvrun_active
        set -e _venvrun_old_path
        set -e _venvrun_old_pythonhome
        set -e _venvrun_prompt_wrapped
    end
    if test "$argv[1]" != nondestructive
        functions -e deactivate
    end
    return 0
end

# Leftovers of an activation whose deactivate was erased by hand: start clean.
set -e _venvrun_old_path
set -e _venvrun_old_pythonhome
set -e _venvrun_prompt_wrapped
set -g _venvrun_active 1

set -gx VIRTUAL_ENV __VENVRUN_ENV__
set -gx VIRTUAL_ENV_PROMPT __VENVRUN_PROMPT__

if set -q PATH
    set -g _venvrun_old_path $PATH
end
set -gx PATH "$VIRTUAL_ENV/"__VENVRUN_BIN__ $PATH

# PYTHONHOME would point the env's python at another installation's standard library.
if set -q PYTHONHOME
    set -g _venvrun_old_pythonhome $PYTHONHOME
    set -e PYTHONHOME
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
    set -g _venvrun_prompt_wrapped 1
    function _venvrun_set_status --description 'venvrun: return the given status'
        return $argv[1]
    end
    # A copy left by an activation whose deactivate was erased by hand is the original
    # prompt, and fish_prompt is still our wrapper: copying that would make it call itself.
    if functions -q fish_prompt; and not functions -q _venvrun_old_fish_prompt
        functions -c fish_prompt _venvrun_old_fish_prompt
    end
    function fish_prompt --description 'venvrun: the env name, then the prompt from before'
        # The wrapped prompt may show the status of the last command: keep it intact
        # for it, as printing our prefix would reset it.
        set -l last_status $status
        printf '(%s) ' $VIRTUAL_ENV_PROMPT
        if functions -q _venvrun_old_fish_prompt
            _venvrun_set_status $last_status
            _venvrun_old_fish_prompt
        end
    end
end
