# venvrun activation module for nushell.
#
#     overlay use bin/activate.nu
#     deactivate              (an alias of "overlay hide activate")
#
# Nushell keeps every environment change made by an overlay inside that overlay and drops
# them all when the overlay is hidden, so deactivate needs nothing saved: PATH, the prompt
# and PYTHONHOME come back exactly as they were. That only works when the overlay keeps
# its name, "activate": after "overlay use activate.nu as other", leave with
# "overlay hide other".
#
# Values are raw strings (r#'...'#), which take any text as it is. Only commands that
# have kept their meaning across nushell releases are used; "in $env" stands in for a
# has-env test.

export-env {
    let env_dir = __VENVRUN_ENV__
    let prompt = __VENVRUN_PROMPT__
    let bin_dir = ($env_dir | path join __VENVRUN_BIN__)

    # Windows spells it Path; nushell usually holds it as a list, but a string is possible
    # before its ENV_CONVERSIONS have run.
    let path_name = if ('Path' in $env) { 'Path' } else { 'PATH' }
    let old_path = if ($path_name in $env) { $env | get $path_name } else { [] }
    let old_list = if (($old_path | describe) == 'string') {
        $old_path | split row (char esep)
    } else {
        $old_path
    }
    let new_path = ($old_list | prepend $bin_dir)

    load-env ({ VIRTUAL_ENV: $env_dir, VIRTUAL_ENV_PROMPT: $prompt } | insert $path_name $new_path)

    # PYTHONHOME would point the env's python at another installation's standard library.
    if ('PYTHONHOME' in $env) {
        hide-env PYTHONHOME
    }

    let disable = if ('VIRTUAL_ENV_DISABLE_PROMPT' in $env) {
        ($env.VIRTUAL_ENV_DISABLE_PROMPT | into string) != ''
    } else {
        false
    }
    if not $disable {
        let prefix = (['(' $prompt ') '] | str join)
        # PROMPT_COMMAND is a closure, a plain string, or not there at all.
        let old_prompt = if ('PROMPT_COMMAND' in $env) { $env.PROMPT_COMMAND } else { '' }
        let new_prompt = if (($old_prompt | describe) | str starts-with 'closure') {
            {|| [$prefix (do $old_prompt | into string)] | str join }
        } else {
            {|| [$prefix $old_prompt] | str join }
        }
        load-env { PROMPT_COMMAND: $new_prompt }
    }
}

export alias deactivate = overlay hide activate
