// Test helpers for error messages: run code that must throw a given recur error type and check
// that the message contains the expected text (file, line, column, numbers).
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace recur::testing {

// The message of the E that `f` throws; a failure (and "") if it throws nothing or another type.
template <typename E, typename F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw the wrong type of error: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected an error, nothing was thrown";
  return "";
}

inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << text << "\"\n  does not contain\n\"" << part << "\"";
}

}  // namespace recur::testing
