# venvrun activation script for PowerShell (pwsh).
#
#     . bin/Activate.ps1
#     deactivate              (undo it; "deactivate -NonDestructive" keeps the function)
#
# The functions it defines are global, so running it without the leading dot works too.
# Nothing here reads a variable that may not exist without testing for it first, so a
# session under Set-StrictMode -Version Latest can use it.

# Undo an activation already in effect (this env's or another's, whether venvrun or
# python -m venv made it) before recording anything, so that the final deactivate brings
# back the session from before all of them.
if (Get-Command -Name deactivate -CommandType Function -ErrorAction SilentlyContinue) {
    deactivate -NonDestructive
}

function global:deactivate {
    param([switch] $NonDestructive)

    # Only an activation in effect is undone: after "deactivate -NonDestructive" the
    # function stays, and calling it again must not touch a PYTHONHOME set since.
    if (Test-Path -Path variable:global:_venvrun_active) {
        # Each _venvrun_old_X exists exactly when X did, so an unset variable stays unset.
        if (Test-Path -Path variable:global:_venvrun_old_path) {
            $env:PATH = $global:_venvrun_old_path
        } else {
            Remove-Item -Path env:PATH -ErrorAction SilentlyContinue
        }
        Remove-Item -Path env:PYTHONHOME -ErrorAction SilentlyContinue
        if (Test-Path -Path variable:global:_venvrun_old_pythonhome) {
            # Before PowerShell 7.5, assigning '' removes the variable instead: a
            # PYTHONHOME that was set to the empty string comes back unset there.
            $env:PYTHONHOME = $global:_venvrun_old_pythonhome
        }
        if (Test-Path -Path variable:global:_venvrun_old_prompt) {
            Set-Item -Path function:global:prompt -Value $global:_venvrun_old_prompt
        }
        Remove-Item -Path env:VIRTUAL_ENV, env:VIRTUAL_ENV_PROMPT -ErrorAction SilentlyContinue
        Remove-Variable -Scope Global -ErrorAction SilentlyContinue -Name `
            _venvrun_active, _venvrun_old_path, _venvrun_old_pythonhome, _venvrun_old_prompt
    }
    if (-not $NonDestructive) {
        Remove-Item -Path function:global:deactivate -ErrorAction SilentlyContinue
    }
}

# Leftovers of an activation whose deactivate was removed by hand: start clean.
Remove-Variable -Scope Global -ErrorAction SilentlyContinue -Name `
    _venvrun_old_path, _venvrun_old_pythonhome, _venvrun_old_prompt
$global:_venvrun_active = $true

$env:VIRTUAL_ENV = __VENVRUN_ENV__
$env:VIRTUAL_ENV_PROMPT = __VENVRUN_PROMPT__

$_venvrun_bin = Join-Path -Path $env:VIRTUAL_ENV -ChildPath __VENVRUN_BIN__
if (Test-Path -Path env:PATH) {
    $global:_venvrun_old_path = $env:PATH
    # An empty PATH gets no trailing separator, which would add the working directory.
    if ($env:PATH -ne '') {
        $env:PATH = $_venvrun_bin + [System.IO.Path]::PathSeparator + $env:PATH
    } else {
        $env:PATH = $_venvrun_bin
    }
} else {
    $env:PATH = $_venvrun_bin
}
Remove-Variable -Name _venvrun_bin

# PYTHONHOME would point the env's python at another installation's standard library.
if (Test-Path -Path env:PYTHONHOME) {
    $global:_venvrun_old_pythonhome = $env:PYTHONHOME
    Remove-Item -Path env:PYTHONHOME
}

$_venvrun_disable = (Test-Path -Path env:VIRTUAL_ENV_DISABLE_PROMPT) -and
    ($env:VIRTUAL_ENV_DISABLE_PROMPT -ne '')
if (-not $_venvrun_disable -and (Test-Path -Path function:prompt)) {
    $global:_venvrun_old_prompt = (Get-Item -Path function:prompt).ScriptBlock
    function global:prompt {
        '(' + $env:VIRTUAL_ENV_PROMPT + ') ' + ((& $global:_venvrun_old_prompt) -join '')
    }
}
Remove-Variable -Name _venvrun_disable
