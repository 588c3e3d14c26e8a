# Init fails: the handler module imports a module that does not exist.
import flint_no_such_module  # noqa: F401


def lambda_handler(event, context):
    return "unreachable"
