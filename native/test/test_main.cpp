// The doctest runner of the C++ unit tests (native/test/run.sh builds and runs it).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
