#!/bin/sh
# As in AWS's base images (a trimmed copy of their /lambda-entrypoint.sh): the handler is the
# first argument; with AWS_LAMBDA_RUNTIME_API set, the runtime's bootstrap takes over.
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"

RUNTIME_ENTRYPOINT=/var/runtime/bootstrap
if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
  echo "AWS_LAMBDA_RUNTIME_API is not set: run this image under Lambda or flint" 1>&2
  exit 1
else
  exec $RUNTIME_ENTRYPOINT
fi
