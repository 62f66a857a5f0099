"""The pluggy markers of the ``wavyte`` hook namespace: ``@hookspec`` declares a hook
(`hookspecs`), ``@hookimpl`` marks a plugin's implementation of one."""

import pluggy

hookspec = pluggy.HookspecMarker("wavyte")
hookimpl = pluggy.HookimplMarker("wavyte")
