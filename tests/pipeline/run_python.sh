#!/bin/sh
# Runs a pipeline test script with Debian's /usr/bin/python3 (the interpreter that has numpy,
# pandas, scipy and scikit-learn); exit 77 (ctest: skipped) when it is not installed.
if [ ! -x /usr/bin/python3 ]; then
  echo "SKIP: /usr/bin/python3 is missing (the pipeline tests need it with pandas and scikit-learn)"
  exit 77
fi
exec /usr/bin/python3 "$@"
