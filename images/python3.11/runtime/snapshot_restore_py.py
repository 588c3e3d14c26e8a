"""SnapStart runtime hooks for Python, with the API of AWS's snapshot-restore-py library.

A handler module registers callables; flint's runtime client (flint_ric.py) runs them only when
the environment is initialised for a snapshot (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start):

    from snapshot_restore_py import register_before_snapshot, register_after_restore

    @register_before_snapshot
    def close_connections():
        ...

    def reconnect(pool, retries=3):
        ...

    register_after_restore(reconnect, "db", retries=5)

- before-snapshot hooks run once, after Init, in the REVERSE order of registration;
- after-restore hooks run in every environment restored from the snapshot, in the order of
  registration, before its first invoke.

Both register functions return `func`, so they work as bare decorators; extra positional and
keyword arguments are passed to `func` when it runs (as AWS's library does, a decorator with
arguments, `@register_after_restore(x)`, is not supported). This file lives in /var/runtime,
which is on the runtime's sys.path, so handlers import it without bundling anything.
"""

__all__ = ["register_before_snapshot", "register_after_restore"]

_before_snapshot = []
_after_restore = []


def register_before_snapshot(func, *args, **kwargs):
    """Run `func(*args, **kwargs)` before the snapshot is taken; returns `func`."""
    _before_snapshot.append((func, args, kwargs))
    return func


def register_after_restore(func, *args, **kwargs):
    """Run `func(*args, **kwargs)` after each restore from the snapshot; returns `func`."""
    _after_restore.append((func, args, kwargs))
    return func


def get_before_snapshot():
    """The registered before-snapshot entries, `(func, args, kwargs)`, oldest first (the list itself)."""
    return _before_snapshot


def get_after_restore():
    """The registered after-restore entries, `(func, args, kwargs)`, oldest first (the list itself)."""
    return _after_restore
