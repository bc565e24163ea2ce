#!/bin/sh
# Runs a test script with Debian's /usr/bin/python3 (the interpreter with numpy, pandas and
# scikit-learn); exit 77 (ctest: skipped) when it is not installed.
if [ ! -x /usr/bin/python3 ]; then
  echo "SKIP: /usr/bin/python3 is missing (the example tests need it with numpy, pandas and scikit-learn)"
  exit 77
fi
exec /usr/bin/python3 "$@"
