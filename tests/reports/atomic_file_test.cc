#include "reports/atomic_file.h"

#include <cstdio>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/reports/reports_test_support.h"

namespace faultline::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::readFile;
using ::testing::SizeIs;
using ::testing::StartsWith;
using testing::TempDir;

TEST(ReportsAtomicFileTest, AppearsOnlyOnCommit) {
  const TempDir dir;
  const auto path = dir / "results.json";
  auto file = AtomicFile::create(path);
  ASSERT_TRUE(file.hasValue()) << file.error();
  std::fputs("{}\n", (*file)->stream());
  // Until commit, only a hidden temporary file next to the target exists.
  EXPECT_FALSE(std::filesystem::exists(path));
  const auto entries = dir.entries();
  ASSERT_THAT(entries, SizeIs(1));
  EXPECT_THAT(entries[0], StartsWith(".results.json."));

  const auto committed = (*file)->commit();
  ASSERT_TRUE(committed.hasValue()) << committed.error();
  EXPECT_EQ(readFile(path), "{}\n");
  EXPECT_THAT(dir.entries(), ElementsAre("results.json"));
}

TEST(ReportsAtomicFileTest, DestroyedWithoutCommitLeavesNothing) {
  const TempDir dir;
  {
    auto file = AtomicFile::create(dir / "results.json");
    ASSERT_TRUE(file.hasValue()) << file.error();
    std::fputs("half a file", (*file)->stream());
  }
  EXPECT_THAT(dir.entries(), IsEmpty());
}

TEST(ReportsAtomicFileTest, DestroyedWithoutCommitLeavesAnOldFileAlone) {
  const TempDir dir;
  const auto path = dir.write("results.json", "old\n");
  {
    auto file = AtomicFile::create(path);
    ASSERT_TRUE(file.hasValue()) << file.error();
    std::fputs("new", (*file)->stream());
  }
  EXPECT_EQ(readFile(path), "old\n");
  EXPECT_THAT(dir.entries(), ElementsAre("results.json"));
}

TEST(ReportsAtomicFileTest, MissingDirectoryFailsAtCreate) {
  const TempDir dir;
  const auto path = dir / "missing" / "results.json";
  auto file = AtomicFile::create(path);
  ASSERT_FALSE(file.hasValue());
  EXPECT_EQ(file.error(), path.string() + ": No such file or directory");
  EXPECT_THAT(dir.entries(), IsEmpty());
}

}  // namespace
}  // namespace faultline::reports
