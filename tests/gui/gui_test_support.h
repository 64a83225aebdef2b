#pragma once

#include <gtest/gtest.h>

#include "reports/render/qt_session.h"

namespace faultline::gui::testing {

// Every test holds a QApplication on the offscreen platform for its length.
class GuiTest : public ::testing::Test {
 private:
  reports::render::QtSession qt_;
};

}  // namespace faultline::gui::testing
