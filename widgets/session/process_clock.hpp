#pragma once
// Time since the process started (not since main()), for the start-up figures of the GUI
// benchmark and `scaleplan --startup-time`. Linux: /proc/self/stat's start time against
// CLOCK_BOOTTIME, so the resolution is one clock tick (10 ms at USER_HZ 100); elsewhere, since
// the first call.

namespace scaleplan {

double millisecondsSinceProcessStart();

}  // namespace scaleplan
