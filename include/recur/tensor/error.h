// Errors recur throws. Every message names the thing at fault (a tensor, a file, a line) and
// what was expected, e.g. "lstm input: expected [T, B, 3], got [3, 4]".
#pragma once

#include <stdexcept>
#include <string>

namespace recur {

// Base of every recur error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A tensor with the wrong rank or sizes for an operation.
class ShapeError : public Error {
 public:
  using Error::Error;
};

// A value outside what an operation accepts (a probability > 1, a negative length, ...).
class ValueError : public Error {
 public:
  using Error::Error;
};

// A file that cannot be read or written, or whose content is malformed.
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace recur
