#pragma once
// The application's light and dark palettes (Fusion style, so the palette applies everywhere).
// Plots follow the palette through plotThemeForPalette.

#include <QPalette>

namespace scaleplan {

QPalette darkPalette();
QPalette lightPalette();
// Sets the Fusion style (once) and the light or dark palette on the application.
void applyApplicationTheme(bool dark);

}  // namespace scaleplan
