#pragma once
// Machine output for --json: commands build a boost::json value and print it with the core's
// round-trip-exact pretty printer. (The CLI is part of the core's family of Qt-free code and may
// use Boost.JSON directly.)
#include <iostream>

#include "base/json_util.hpp"

namespace scaleplan::cli {
inline void printJson(const boost::json::value& v) { std::cout << scaleplan::json::toPrettyString(v); }
}  // namespace scaleplan::cli
