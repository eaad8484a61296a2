// Errors raised by the core on bad input. The binding maps them to JavaScript's
// TypeError / RangeError; everything else that escapes is a plain Error.
#pragma once
#include <stdexcept>
#include <string>

namespace gigpo {

// A value of the wrong kind (a string where a number was expected, an unknown option).
struct TypeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A value of the right kind but outside what is allowed (an action out of range, NaN).
struct RangeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Malformed input data (a level file that does not parse); the message names file and place.
struct FormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace gigpo
