#pragma once
// The snippets check their own results with DOC_CHECK, which throws; tests/docs/test_docs.cpp
// runs every snippet.
#include <stdexcept>
#include <string>

#define DOC_CHECK(cond)                                                                        \
  do {                                                                                         \
    if (!(cond)) throw std::runtime_error(std::string(__FILE__) + ": check failed: " #cond);   \
  } while (0)
